namespace FusionCluster.Grains.Abstractions.Sweeps;

/// <summary>One point of a run: its merge (made or reused) and its metrics.</summary>
[GenerateSerializer, Immutable, Alias("fc.SweepCandidateStatus")]
public sealed record SweepCandidateStatus
{
    [Id(0)] public required int Index { get; init; }

    /// <summary>The values this point sets, e.g. "models[*].parameters.weight=0.5".</summary>
    [Id(1)] public required string Label { get; init; }

    [Id(2)] public CandidateState State { get; init; }

    /// <summary>The merge spec (YAML) of this point.</summary>
    [Id(3)] public string SpecText { get; init; } = "";

    /// <summary>Content key of the merge (normalised spec and input fingerprints); also its folder under &lt;out&gt;/merges.</summary>
    [Id(4)] public string CacheKey { get; init; } = "";

    /// <summary>True when the merge was reused from an earlier one with the same key instead of being computed.</summary>
    [Id(5)] public bool Cached { get; init; }

    /// <summary>The merge job that computed it in this run (empty when reused).</summary>
    [Id(6)] public string JobId { get; init; } = "";

    [Id(7)] public string MergeOutput { get; init; } = "";

    [Id(8)] public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The objective metric's value; null until evaluated, or when evaluation failed.</summary>
    [Id(9)] public double? Objective { get; init; }

    [Id(10)] public string? Error { get; init; }

    /// <summary>The silo that evaluated it.</summary>
    [Id(11)] public string EvaluatedOn { get; init; } = "";

    [Id(12)] public double MergeSeconds { get; init; }

    [Id(13)] public double EvaluationSeconds { get; init; }

    /// <summary>Index of an earlier candidate of the run with the same key, whose merge and metrics this one shares.</summary>
    [Id(14)] public int? SameAs { get; init; }

    [Id(15)] public int EvaluationAttempts { get; init; }

    /// <summary>Its metrics came from the evaluation cache (the same model content evaluated the same way before).</summary>
    [Id(16)] public bool EvaluationCached { get; init; }

    /// <summary>
    /// A baseline (the sweep's <c>baselines:</c>): an input model or an ensemble of the inputs, evaluated like the
    /// merges and listed beside them, but not merged, ranked or promoted. <see cref="MergeOutput"/> is its folder.
    /// </summary>
    [Id(17)] public bool Baseline { get; init; }

    /// <summary>
    /// Scored inside its merge job and not among the best K (<c>outputs: {publish: best, keep: K}</c>): its metrics are
    /// what evaluating its output would give, but no output was written. False for every published merge.
    /// </summary>
    [Id(18)] public bool Unpublished { get; init; }

    /// <summary>
    /// The evaluation cache's key for the metrics in-job scoring gives this point (<c>outputs: {publish: best}</c>), empty
    /// otherwise: a later run whose point has the same key takes them from the cache instead of scoring it again.
    /// </summary>
    [Id(19)] public string ScoreKey { get; init; } = "";

    public bool IsFinished => State is CandidateState.Done or CandidateState.Failed;
}
