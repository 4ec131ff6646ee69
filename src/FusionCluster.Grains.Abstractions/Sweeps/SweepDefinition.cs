namespace FusionCluster.Grains.Abstractions.Sweeps;

/// <summary>A sweep as submitted: sweep.yaml's text and the folder its relative paths start from.</summary>
[GenerateSerializer, Immutable, Alias("fc.SweepDefinition")]
public sealed record SweepDefinition
{
    [Id(0)] public required string SpecText { get; init; }

    [Id(1)] public required string SpecDirectory { get; init; }

    [Id(2)] public string SpecName { get; init; } = "sweep.yaml";

    [Id(3)] public string SubmittedBy { get; init; } = "";
}
