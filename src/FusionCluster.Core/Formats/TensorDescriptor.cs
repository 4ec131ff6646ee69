using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Formats;

/// <summary>A tensor to be written: name, element type and shape, before it has a place in a file.</summary>
public sealed record TensorDescriptor(string Name, DType DType, long[] Shape)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => checked(a * b));

    public long ByteLength => checked(ElementCount * DType.ElementSize());
}
