namespace FusionCluster.Connectivity.Paths;

/// <summary>The shape of the path between two models.</summary>
public enum PathCurve
{
    /// <summary>The straight line between the weights.</summary>
    Linear,

    /// <summary>A quadratic Bézier curve whose bend point is trained first.</summary>
    Bezier,
}
