using FusionCluster.Connectivity.Networks;

namespace FusionCluster.Connectivity.Paths;

/// <summary>The straight line (1 − t)·a + t·b.</summary>
public sealed class LinearPath(ClassifierWeights start, ClassifierWeights end) : IModelPath
{
    public string Name => "linear";

    public ClassifierWeights At(double t) => ClassifierWeights.Interpolate(start, end, t);
}
