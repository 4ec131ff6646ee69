using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Formats;

/// <summary>One tensor of a safetensors file.</summary>
/// <param name="Name">Tensor name as in the header.</param>
/// <param name="DType">Stored element type.</param>
/// <param name="Shape">Dimensions, row-major; empty for a scalar.</param>
/// <param name="DataOffset">Absolute byte offset of the first element in the file (not relative to the data section).</param>
/// <param name="ByteLength">Stored bytes: element count times element size.</param>
public sealed record TensorEntry(string Name, DType DType, long[] Shape, long DataOffset, long ByteLength)
{
    public long ElementCount => ByteLength / DType.ElementSize();

    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}
