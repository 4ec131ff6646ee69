namespace FusionCluster.Dashboard.Jobs;

/// <summary>What the unit grid's colours say.</summary>
public enum UnitColourMode
{
    /// <summary>Pending, running, done, failed (the default).</summary>
    State,

    /// <summary>How long each finished unit took, in five bands of equal counts.</summary>
    Duration,

    /// <summary>Which silo ran (or runs) each unit.</summary>
    Silo,
}
