namespace FusionCluster.Grains.Abstractions;

/// <summary>A merge to run: the spec's text and where its relative model paths start from.</summary>
[GenerateSerializer, Immutable, Alias("fc.MergeRequest")]
public sealed record MergeRequest
{
    [Id(0)] public required string SpecText { get; init; }

    [Id(1)] public required string SpecDirectory { get; init; }

    [Id(2)] public required string OutputDirectory { get; init; }

    [Id(3)] public ulong Seed { get; init; }

    [Id(4)] public long ShardSizeBytes { get; init; } = 5_000_000_000;

    [Id(5)] public bool Overwrite { get; init; }

    /// <summary>How many units may run at once on one silo (0: one per core).</summary>
    [Id(6)] public int MaxParallelUnits { get; init; }

    [Id(7)] public string SpecName { get; init; } = "spec.yaml";
}
