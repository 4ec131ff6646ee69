namespace FusionCluster.Dashboard.Jobs;

/// <summary>Which units the grid highlights; the others are dimmed, so the layout by layer stays.</summary>
public enum UnitFilter
{
    All,
    Failed,

    /// <summary>Ran more than once: after an error, a lost silo or a hand-back.</summary>
    Retried,

    /// <summary>Went back to the queue at least once because its silo was lost.</summary>
    Lost,
    Running,
    Pending,
    Done,
}
