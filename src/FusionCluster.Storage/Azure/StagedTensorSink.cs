using FusionCluster.Core.Methods;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Storage.Azure;

/// <summary>Encodes float32 chunks of one output tensor to its stored dtype into its staging buffer.</summary>
internal sealed class StagedTensorSink : TensorSink
{
    private readonly StagedTensorBuffer buffer;
    private readonly DType dtype;
    private readonly long elementCount;

    public StagedTensorSink(StagedTensorBuffer buffer, DType dtype, long elementCount)
    {
        if (!dtype.CanEncode())
        {
            throw new NotSupportedException($"cannot encode float32 to {dtype.SafetensorsName()}; such tensors are copied through");
        }

        this.buffer = buffer;
        this.dtype = dtype;
        this.elementCount = elementCount;
    }

    public override void Write(long start, ReadOnlySpan<float> values)
    {
        if (start < 0 || start > elementCount - values.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"elements [{start}, {start + values.Length}) are outside the tensor's {elementCount} elements");
        }

        buffer.Encode(dtype, start, values);
    }
}
