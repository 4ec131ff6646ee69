using FusionCluster.Core.Methods;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Execution;

/// <summary>
/// Rounds an input to the compute dtype, as mergekit's load-time cast does, when that dtype is coarser
/// than the checkpoint's (e.g. a float32 checkpoint merged with dtype: bfloat16).
/// </summary>
public sealed class PrecisionTensorSource(TensorSource inner, DType computeDType) : TensorSource
{
    public override IReadOnlyList<long> Shape => inner.Shape;

    public override void Read(long start, Span<float> destination)
    {
        inner.Read(start, destination);
        Precision.RoundInPlace(destination, computeDType);
    }
}
