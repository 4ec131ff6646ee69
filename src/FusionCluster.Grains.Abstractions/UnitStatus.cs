namespace FusionCluster.Grains.Abstractions;

/// <summary>One unit of a job as displays show it.</summary>
[GenerateSerializer, Immutable, Alias("fc.UnitStatus")]
public sealed record UnitStatus
{
    [Id(0)] public required int Index { get; init; }

    [Id(1)] public required string Name { get; init; }

    [Id(2)] public required UnitState State { get; init; }

    [Id(3)] public int Attempts { get; init; }

    [Id(4)] public string? Silo { get; init; }

    [Id(5)] public long InputBytes { get; init; }

    [Id(6)] public long BytesDone { get; init; }

    [Id(7)] public double Seconds { get; init; }

    [Id(8)] public string? LastError { get; init; }

    /// <summary>The job phase the unit belongs to: align (a model's permutations) or merge.</summary>
    [Id(9)] public string Phase { get; init; } = "merge";

    /// <summary>Every attempt so far, oldest first (empty for jobs saved before attempts were kept).</summary>
    [Id(10)] public IReadOnlyList<UnitAttempt> History { get; init; } = [];
}
