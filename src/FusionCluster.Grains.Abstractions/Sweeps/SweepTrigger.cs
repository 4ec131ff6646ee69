namespace FusionCluster.Grains.Abstractions.Sweeps;

public enum SweepTrigger
{
    /// <summary>fusion sweep run (or the dashboard).</summary>
    Manual,

    /// <summary>The cron schedule.</summary>
    Schedule,
}
