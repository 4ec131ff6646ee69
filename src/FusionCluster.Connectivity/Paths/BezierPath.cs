using FusionCluster.Connectivity.Networks;

namespace FusionCluster.Connectivity.Paths;

/// <summary>The quadratic Bézier curve φ(t) = (1 − t)²·a + 2t(1 − t)·θ + t²·b through bend point θ (Garipov et al. 2018).</summary>
public sealed class BezierPath(ClassifierWeights start, ClassifierWeights bend, ClassifierWeights end) : IModelPath
{
    public string Name => "bezier";

    public ClassifierWeights Bend => bend;

    public ClassifierWeights At(double t) => ClassifierWeights.Combine([.. Coefficients(t).Zip([start, bend, end], (c, w) => (w, c))]);

    /// <summary>The Bernstein weights of a, θ and b at t.</summary>
    public static double[] Coefficients(double t) => [(1 - t) * (1 - t), 2 * t * (1 - t), t * t];
}
