namespace FusionCluster.Core.Methods;

/// <summary>
/// Everything a method needs to merge one output tensor. Shapes are already reconciled by the engine
/// (embedding rows/cols cropped to the common block), so every source has the same shape as the output.
/// </summary>
public sealed class MergeTensorContext
{
    public required string TensorName { get; init; }

    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>True for token embeddings and LM heads (vocabulary-sized rows).</summary>
    public bool IsEmbedding { get; init; }

    /// <summary>The base model's tensor, or null when the method has no base for this tensor.</summary>
    public TensorSource? Base { get; init; }

    /// <summary>The name of the base model, for messages.</summary>
    public string? BaseModel { get; init; }

    /// <summary>Non-base inputs in spec order.</summary>
    public required IReadOnlyList<ModelTensor> Models { get; init; }

    /// <summary>Global parameters resolved for this tensor (method defaults already applied).</summary>
    public required IReadOnlyDictionary<string, double> Parameters { get; init; }

    /// <summary>Seed for random methods: derived from the job seed and the tensor name, never from execution order.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// 64K elements: a chunk's few float buffers then stay in a core's cache between a method's steps, which
    /// made TIES a third faster than 1M-element chunks on the development machine.
    /// </summary>
    public const int DefaultChunkElements = 1 << 16;

    /// <summary>Elements per chunk a method should process at a time.</summary>
    public int ChunkElements { get; init; } = DefaultChunkElements;

    /// <summary>Where results go.</summary>
    public required TensorSink Output { get; init; }

    /// <summary>Writers of the tensor's planned <see cref="Planning.TensorPlan.Sidecars"/>, in their order (empty unless the method is an <see cref="ISidecarMergeMethod"/>).</summary>
    public IReadOnlyList<Storage.TensorWriter> Sidecars { get; init; } = [];

    /// <summary>
    /// Magnitude selections found before the merge, together with other candidates' over the same inputs
    /// (<see cref="IMagnitudeSelectingMethod"/>); null when the method finds its own.
    /// </summary>
    public Kernels.FoundSelections? Selections { get; init; }

    /// <summary>Collects warnings (reported with the merge).</summary>
    public Action<string> Warn { get; init; } = _ => { };

    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    public long RowLength => Shape.Count == 0 ? 1 : Shape[^1];

    public double Get(string name) => Parameters.TryGetValue(name, out var v)
        ? v
        : throw new MergeMethodException($"tensor '{TensorName}': parameter '{name}' has no value");

    public bool GetFlag(string name) => Get(name) != 0;
}
