namespace FusionCluster.Dashboard.Services;

/// <summary>The cluster's merge throughput at one moment: input bytes per second over all silos, and units running.</summary>
public sealed record ThroughputSample(DateTimeOffset At, double BytesPerSecond, int UnitsRunning);
