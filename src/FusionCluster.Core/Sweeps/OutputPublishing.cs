namespace FusionCluster.Core.Sweeps;

/// <summary>Which of a run's merges are written out (<c>outputs.publish</c>).</summary>
public enum OutputPublishing
{
    /// <summary>Every point's merge is published, then evaluated: the default.</summary>
    All,

    /// <summary>
    /// Every point is scored inside its merge job without being written, except the best, which that job writes while
    /// it scores and publishes when it holds every point; any other of the best <see cref="SweepOutputs.Keep"/> are then
    /// merged again and published.
    /// </summary>
    Best,
}
