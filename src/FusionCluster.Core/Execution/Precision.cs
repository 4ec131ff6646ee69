using System.Buffers;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Execution;

/// <summary>Rounding float32 values through a narrower floating type.</summary>
public static class Precision
{
    public static bool IsNarrowerThanFloat32(DType dtype) => dtype is DType.F16 or DType.BF16;

    public static void RoundInPlace(Span<float> values, DType dtype)
    {
        if (!IsNarrowerThanFloat32(dtype))
        {
            return;
        }

        var bytes = ArrayPool<byte>.Shared.Rent(values.Length * 2);
        try
        {
            DTypeCodec.Encode(dtype, values, bytes.AsSpan(0, values.Length * 2));
            DTypeCodec.Decode(dtype, bytes.AsSpan(0, values.Length * 2), values);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
