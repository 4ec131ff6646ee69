namespace FusionCluster.Core.Specs;

/// <summary>
/// A parameter value as written in a spec: a scalar, a gradient (piecewise-linear over the layers of a
/// slice), or a list of conditional entries where the first whose filter is a substring of the tensor
/// name (or is absent / "*") wins.
/// </summary>
public abstract record ParameterSetting
{
    /// <summary>The value for a tensor at relative depth t in [0, 1] of its slice; null when no conditional entry matches.</summary>
    public abstract double? Evaluate(string tensorName, double t);
}
