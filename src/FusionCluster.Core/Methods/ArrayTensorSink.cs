namespace FusionCluster.Core.Methods;

/// <summary>Collects a merged tensor in memory.</summary>
public sealed class ArrayTensorSink(long elementCount) : TensorSink
{
    public float[] Values { get; } = new float[elementCount];

    public override void Write(long start, ReadOnlySpan<float> values) => values.CopyTo(Values.AsSpan((int)start));
}
