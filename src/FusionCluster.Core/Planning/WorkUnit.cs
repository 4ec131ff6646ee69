namespace FusionCluster.Core.Planning;

/// <summary>
/// A schedulable piece of a merge: one transformer block, or the embeddings, or the head. Units that
/// must wait for others (an alignment phase before a merge phase) list them in DependsOn.
/// </summary>
public sealed record WorkUnit
{
    public required int Index { get; init; }

    /// <summary>Human name, e.g. "layer 12", "embeddings", "head".</summary>
    public required string Name { get; init; }

    public required IReadOnlyList<TensorPlan> Tensors { get; init; }

    public IReadOnlyList<int> DependsOn { get; init; } = [];

    /// <summary>In a shared-input job: the candidates' units this unit runs, reading their common inputs once (then Tensors is empty).</summary>
    public IReadOnlyList<UnitMember> Members { get; init; } = [];

    /// <summary>Bytes read from inputs, for scheduling and throughput.</summary>
    public long InputBytes { get; init; }

    public long OutputBytes => Tensors.Sum(t => t.ByteLength);
}
