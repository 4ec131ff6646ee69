using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Planning;

/// <summary>One output tensor: its place in the output and how it is computed.</summary>
public sealed record TensorPlan
{
    public required string Name { get; init; }

    public required TensorKind Kind { get; init; }

    /// <summary>Output shape (embeddings cropped to the rows and columns every input has).</summary>
    public required long[] Shape { get; init; }

    public required DType OutputDType { get; init; }

    /// <summary>Precision inputs and results are rounded to before the output cast (the spec's dtype, else the checkpoint's).</summary>
    public required DType ComputeDType { get; init; }

    public bool IsEmbedding { get; init; }

    /// <summary>The base input for methods that use one; null otherwise.</summary>
    public TensorInput? Base { get; init; }

    /// <summary>Non-base inputs in spec order (for Copy: exactly one).</summary>
    public required IReadOnlyList<TensorInput> Inputs { get; init; }

    public IReadOnlyDictionary<string, double> Parameters { get; init; } = new Dictionary<string, double>();

    /// <summary>Seed for random methods, from the job seed and this tensor's name only.</summary>
    public ulong Seed { get; init; }

    public int Shard { get; init; }

    /// <summary>Absolute byte offset of the tensor's data in its shard file.</summary>
    public long Offset { get; init; }

    public long ByteLength { get; init; }

    /// <summary>Bytes read from the inputs to produce this tensor.</summary>
    public long InputBytes { get; init; }

    /// <summary>
    /// Tensors the method writes beside this one into files of their own (emr's unified task vector, masks and
    /// rescaler statistics), laid out at plan time like the output so any silo writes the same bytes; empty for most methods.
    /// </summary>
    public IReadOnlyList<TensorPlan> Sidecars { get; init; } = [];

    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
