using FusionCluster.Connectivity.Networks;

namespace FusionCluster.Connectivity.Paths;

/// <summary>A curve in weight space from one model (t = 0) to another (t = 1).</summary>
public interface IModelPath
{
    /// <summary>"linear" or "bezier".</summary>
    string Name { get; }

    /// <summary>The weights at position <paramref name="t"/> in [0, 1] (dispose them).</summary>
    ClassifierWeights At(double t);
}
