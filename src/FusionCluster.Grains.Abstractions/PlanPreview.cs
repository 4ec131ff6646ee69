namespace FusionCluster.Grains.Abstractions;

/// <summary>What a spec would do, without running it: its units, bytes and output shards, or why it cannot run.</summary>
[GenerateSerializer, Immutable, Alias("fc.PlanPreview")]
public sealed record PlanPreview
{
    /// <summary>Null when the spec plans; otherwise the reason it does not (naming the key, file or tensor).</summary>
    [Id(0)] public string? Error { get; init; }

    [Id(1)] public string Method { get; init; } = "";

    [Id(2)] public int Units { get; init; }

    [Id(3)] public int Tensors { get; init; }

    [Id(4)] public long InputBytes { get; init; }

    [Id(5)] public long OutputBytes { get; init; }

    [Id(6)] public IReadOnlyList<string> OutputShards { get; init; } = [];

    [Id(7)] public IReadOnlyList<string> UnitNames { get; init; } = [];

    [Id(8)] public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The phase of each unit in <see cref="UnitNames"/> (align, merge): an aligning spec's units run in two phases.</summary>
    [Id(9)] public IReadOnlyList<string> UnitPhases { get; init; } = [];
}
