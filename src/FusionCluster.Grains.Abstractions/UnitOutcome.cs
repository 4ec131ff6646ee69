namespace FusionCluster.Grains.Abstractions;

public enum UnitOutcome
{
    /// <summary>The unit's output is written.</summary>
    Succeeded,

    /// <summary>The unit failed; <see cref="UnitReport.IsPermanent"/> says whether running it again could help.</summary>
    Failed,

    /// <summary>The worker gave the unit back unfinished (its silo is shutting down, or the job was cancelled).</summary>
    Returned,
}
