namespace FusionCluster.Silo.Health;

/// <summary>One probe's answer: healthy or not, and a line saying why.</summary>
public sealed record SiloHealthReport(bool Healthy, string Reason);
