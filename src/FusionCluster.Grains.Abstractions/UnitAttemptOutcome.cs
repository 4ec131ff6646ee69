namespace FusionCluster.Grains.Abstractions;

/// <summary>How one attempt of one unit ended (or that it still runs).</summary>
public enum UnitAttemptOutcome
{
    Running,
    Succeeded,

    /// <summary>The unit failed on its silo (the reason is the error).</summary>
    Failed,

    /// <summary>The job took the unit back because its silo left the cluster, died, or stopped renewing the lease.</summary>
    Lost,

    /// <summary>The worker handed the unit back unfinished (its silo was shutting down).</summary>
    Returned,
}
