namespace FusionCluster.Core.Methods;

/// <summary>
/// One input tensor as a merge method sees it: a flat sequence of float32 values, read in chunks so
/// that memory stays bounded by the chunk size rather than the tensor size. Row-major; the last
/// dimension is contiguous.
/// </summary>
public abstract class TensorSource
{
    public abstract IReadOnlyList<long> Shape { get; }

    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Length of the last dimension (1 for a scalar).</summary>
    public long RowLength => Shape.Count == 0 ? 1 : Shape[^1];

    /// <summary>Decodes elements [start, start + destination.Length) into float32. Thread-safe.</summary>
    public abstract void Read(long start, Span<float> destination);

    /// <summary>Every element at once, for methods that solve on whole tensors (RegMean, Fisher merging).</summary>
    public float[] ReadAll()
    {
        var values = new float[ElementCount];
        Read(0, values);
        return values;
    }
}
