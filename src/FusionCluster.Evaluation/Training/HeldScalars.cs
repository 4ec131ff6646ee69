using TorchSharp;

namespace FusionCluster.Evaluation.Training;

/// <summary>
/// Scalars that live as long as the process, for the alpha of <c>add</c> and the like. TorchSharp 0.107 turns every number
/// passed to an op into a temporary <see cref="Scalar"/> (and <c>a.add(b)</c> into <c>a.add(b, 1)</c>), which a garbage
/// collection on another thread can free while libtorch still reads it (see <see cref="IParameterOptimizer"/>); code that
/// runs in a loop passes a held one instead.
/// </summary>
public static class HeldScalars
{
    public static readonly Scalar One = 1.0.ToScalar();
}
