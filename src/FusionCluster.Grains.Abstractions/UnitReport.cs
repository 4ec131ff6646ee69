using FusionCluster.Core.Execution;

namespace FusionCluster.Grains.Abstractions;

/// <summary>What a worker tells a job about one attempt of one unit.</summary>
[GenerateSerializer, Immutable, Alias("fc.UnitReport")]
public sealed record UnitReport
{
    [Id(0)] public required int Unit { get; init; }

    [Id(1)] public required int Attempt { get; init; }

    [Id(2)] public required string Silo { get; init; }

    [Id(3)] public required UnitOutcome Outcome { get; init; }

    [Id(4)] public UnitResult? Result { get; init; }

    [Id(5)] public string? Error { get; init; }

    /// <summary>True when the failure comes from the inputs or the spec, so a retry would fail the same way.</summary>
    [Id(6)] public bool IsPermanent { get; init; }
}
