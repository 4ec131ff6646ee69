namespace FusionCluster.Grains.Jobs;

/// <summary>How jobs dispatch and watch their units (configuration section Fusion:Jobs).</summary>
public sealed class JobOptions
{
    /// <summary>A running unit whose worker sends no heartbeat for this long is dispatched again.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often workers renew the leases of their units.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a job checks leases and silo membership.</summary>
    public TimeSpan PumpInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Unit progress is persisted at most this often (state changes of the job are saved at once).</summary>
    public TimeSpan SaveInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts of a unit that fails with an error that a retry could fix.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Times a unit may be lost with its silo or lease before the job gives up.</summary>
    public int MaxLosses { get; set; } = 10;

    /// <summary>Units sent to a silo ahead of its free slots, so a finishing unit is replaced without a round trip.</summary>
    public double QueueFactor { get; set; } = 2;

    /// <summary>How often a running job samples its progress into its state for the throughput curve (the first spacing; it grows as the job runs long).</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(1);
}
