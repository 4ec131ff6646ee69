using FusionCluster.Core.Methods;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Services;

/// <summary>What the New merge page submits; the user comes from the circuit, never from the form.</summary>
public sealed record MergeSubmission
{
    public required string SpecText { get; init; }

    public required string SpecName { get; init; }

    /// <summary>Where relative model paths start.</summary>
    public required string SpecDirectory { get; init; }

    /// <summary>A folder or az://container/prefix.</summary>
    public required string Output { get; init; }

    public ulong Seed { get; init; }

    public long ShardSizeBytes { get; init; } = 5_000_000_000;

    public bool Overwrite { get; init; }

    public int MaxParallelUnits { get; init; }

    public InputHashMode InputHash { get; init; } = InputHashMode.Header;

    /// <summary>auto, cpu or cuda, as <c>fusion submit --device</c>.</summary>
    public string Device { get; init; } = MergeDevices.Auto;
}
