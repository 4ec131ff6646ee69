namespace FusionCluster.Dashboard.Sweeps;

/// <summary>How a metric moved from the first run to the second, as the comparison highlights it.</summary>
public enum DeltaVerdict
{
    /// <summary>One side has no value.</summary>
    None,

    Same,

    /// <summary>The objective moved in its direction (up when maximized, down when minimized).</summary>
    Better,

    Worse,

    /// <summary>Another metric moved; its good direction is unknown, so it is only marked as changed.</summary>
    Changed,
}
