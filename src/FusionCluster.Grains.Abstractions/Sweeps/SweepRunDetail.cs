namespace FusionCluster.Grains.Abstractions.Sweeps;

/// <summary>One run with every candidate, and its leaderboard (candidate indices, best first).</summary>
[GenerateSerializer, Immutable, Alias("fc.SweepRunDetail")]
public sealed record SweepRunDetail
{
    [Id(0)] public required SweepRunSummary Summary { get; init; }

    [Id(1)] public IReadOnlyList<SweepCandidateStatus> Candidates { get; init; } = [];

    [Id(2)] public IReadOnlyList<int> Leaderboard { get; init; } = [];

    [Id(3)] public string ObjectiveMetric { get; init; } = "";

    [Id(4)] public bool Maximize { get; init; } = true;

    /// <summary>Where the best merge was copied (&lt;out&gt;/best), or empty when nothing was promoted.</summary>
    [Id(5)] public string PromotedTo { get; init; } = "";

    /// <summary>
    /// A run of a connect sweep: each candidate is a connect point whose result (connect.json) is published at its
    /// <see cref="SweepCandidateStatus.MergeOutput"/>, not a merge.
    /// </summary>
    [Id(6)] public bool Connect { get; init; }
}
