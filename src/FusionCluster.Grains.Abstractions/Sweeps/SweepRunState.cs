namespace FusionCluster.Grains.Abstractions.Sweeps;

public enum SweepRunState
{
    /// <summary>Expanding the space and fingerprinting the inputs.</summary>
    Preparing,

    Running,

    /// <summary>At least one candidate was evaluated; the best is ranked (and promoted).</summary>
    Succeeded,

    /// <summary>No candidate could be merged and evaluated, or the sweep itself is invalid now.</summary>
    Failed,

    /// <summary>Stopped by <see cref="ISweepGrain.CancelRun"/>: the points done so far are ranked, nothing is promoted.</summary>
    Cancelled,
}
