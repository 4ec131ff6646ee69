namespace FusionCluster.Grains.Abstractions.Sweeps;

/// <summary>One change of a sweep's definition (its sweep.yaml edited in place): when, by whom and which sections changed.</summary>
[GenerateSerializer, Immutable, Alias("fc.SweepRevision")]
public sealed record SweepRevision
{
    [Id(0)] public required DateTimeOffset At { get; init; }

    [Id(1)] public string By { get; init; } = "";

    /// <summary>The top-level keys of sweep.yaml whose value changed ("template", "space", ...).</summary>
    [Id(2)] public IReadOnlyList<string> Changed { get; init; } = [];

    /// <summary>Points of the space before and after the change.</summary>
    [Id(3)] public int PointsBefore { get; init; }

    [Id(4)] public int PointsAfter { get; init; }

    /// <summary>The run going when the definition changed, which kept the old one (0: none).</summary>
    [Id(5)] public int RunKeptOld { get; init; }
}
