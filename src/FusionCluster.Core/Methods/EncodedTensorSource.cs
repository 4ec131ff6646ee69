using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Methods;

/// <summary>A tensor held in memory in its stored encoding (e.g. bf16 bytes), decoded as it is read, as a mapped file's tensor is.</summary>
public sealed class EncodedTensorSource(ReadOnlyMemory<byte> bytes, DType dtype, IReadOnlyList<long> shape) : TensorSource
{
    private readonly int elementSize = dtype.ElementSize();

    public override IReadOnlyList<long> Shape { get; } = shape;

    public override void Read(long start, Span<float> destination) =>
        DTypeCodec.Decode(dtype, bytes.Span.Slice((int)(start * elementSize), destination.Length * elementSize), destination);
}
