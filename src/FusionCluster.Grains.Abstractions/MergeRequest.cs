using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;

namespace FusionCluster.Grains.Abstractions;

/// <summary>A merge to run: the spec's text and where its relative model paths start from.</summary>
[GenerateSerializer, Immutable, Alias("fc.MergeRequest")]
public sealed record MergeRequest
{
    [Id(0)] public required string SpecText { get; init; }

    [Id(1)] public required string SpecDirectory { get; init; }

    /// <summary>A local folder or an az://container/prefix location.</summary>
    [Id(2)] public required string Output { get; init; }

    [Id(3)] public ulong Seed { get; init; }

    [Id(4)] public long ShardSizeBytes { get; init; } = 5_000_000_000;

    [Id(5)] public bool Overwrite { get; init; }

    /// <summary>How many units of this job may run at once in the whole cluster (0: as many as the workers have slots).</summary>
    [Id(6)] public int MaxParallelUnits { get; init; }

    [Id(7)] public string SpecName { get; init; } = "spec.yaml";

    [Id(8)] public string SubmittedBy { get; init; } = "";

    /// <summary>When positive, a dispatch probe: that many empty units and no output (measures orchestration alone).</summary>
    [Id(9)] public int ProbeUnits { get; init; }

    /// <summary>
    /// What fusion-report.json records of each input file: header fingerprints (cheap), or also the
    /// SHA-256 of the entire content, computed by the job before it publishes.
    /// </summary>
    [Id(10)] public InputHashMode InputHash { get; init; } = InputHashMode.Header;

    /// <summary>
    /// Where the merge methods run (FusionCluster.Core.Methods.MergeDevices): cpu, cuda, auto or torch-cpu.
    /// The job resolves it once and runs every unit on it, so the output never depends on which silo ran a unit.
    /// </summary>
    [Id(11)] public string Device { get; init; } = MergeDevices.Cpu;

    /// <summary>
    /// When not empty, a shared-input job: these merges over common inputs run as one job that reads each input
    /// tensor once for all of them (SpecText, SpecDirectory, SpecName and Output above are then unused). Each
    /// candidate's output is the bytes it has merged alone; one that fails does so alone.
    /// </summary>
    [Id(12)] public IReadOnlyList<CandidateSpec> Candidates { get; init; } = [];

    /// <summary>
    /// When set (with <see cref="Candidates"/>), the job scores its candidates instead of writing them: units compute
    /// every output tensor in memory and sum the tensors evaluator's metrics over it, nothing is staged or published,
    /// and each candidate's <see cref="CandidateStatus.Metrics"/> equal an evaluation of its output had it been written.
    /// </summary>
    [Id(13)] public OutputScoring? Scoring { get; init; }
}
