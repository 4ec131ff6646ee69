namespace FusionCluster.Core.Methods;

/// <summary>A tensor held in memory: for tests, small tensors and intermediate results.</summary>
public sealed class ArrayTensorSource(float[] values, params long[] shape) : TensorSource
{
    public float[] Values { get; } = values;

    public override IReadOnlyList<long> Shape { get; } = shape.Length == 0 ? [values.LongLength] : shape;

    public override void Read(long start, Span<float> destination) =>
        Values.AsSpan((int)start, destination.Length).CopyTo(destination);
}
