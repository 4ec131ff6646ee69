namespace FusionCluster.Core.Sweeps;

/// <summary>
/// A validated sweep (sweep.yaml): a merge spec template, the points of its parameter space, an optional
/// schedule, how many merges run at once, how each merge is evaluated and ranked, and what is kept.
/// Paths are resolved against the sweep file's folder.
/// </summary>
public sealed record SweepSpec
{
    public required string Name { get; init; }

    /// <summary>Merge (the default) or connect: what each point runs.</summary>
    public SweepKind Kind { get; init; } = SweepKind.Merge;

    /// <summary>The merge spec a merge sweep varies; null for a connect sweep.</summary>
    public SweepTemplate? Template { get; init; }

    /// <summary>The connect options a connect sweep varies; null for a merge sweep.</summary>
    public ConnectSweepTemplate? Connect { get; init; }

    /// <summary>The merge template of a merge sweep.</summary>
    /// <exception cref="InvalidOperationException">This is a connect sweep.</exception>
    public SweepTemplate MergeTemplate => Template ?? throw new InvalidOperationException($"sweep {Name} is a connect sweep: it has no merge template");

    /// <summary>Where the points' relative paths start.</summary>
    public string Directory => Template?.Directory ?? Connect!.Directory;

    /// <summary>Every point, in order: sub-spaces in the order given, grids with their first axis slowest.</summary>
    public required IReadOnlyList<SweepPoint> Points { get; init; }

    /// <summary>Null: the sweep runs only when asked to.</summary>
    public SweepSchedule? Schedule { get; init; }

    /// <summary>Merges (and their evaluations) of one run in flight at once.</summary>
    public int MaxConcurrent { get; init; } = 2;

    public required SweepEvaluatorSpec Evaluator { get; init; }

    public required SweepObjective Objective { get; init; }

    public PromotePolicy Promote { get; init; } = PromotePolicy.Default;

    /// <summary>Where merges, run records and the promoted best go: a local folder (absolute).</summary>
    public required string Output { get; init; }

    /// <summary>Seed of random merge methods (DARE, DELLA), passed to every merge.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// What each run evaluates beside its merges, with the same evaluator, listed but never ranked or promoted:
    /// <c>inputs</c> (every input model of the template) and ensembles of the template's models by rule
    /// (<c>mean-probs</c>, <c>mean-logits</c>, <c>vote</c>). See <see cref="SweepBaselines"/>.
    /// </summary>
    public IReadOnlyList<string> Baselines { get; init; } = [];

    /// <summary>Which merges a run publishes: all (the default), or only the best K after scoring every point in-job.</summary>
    public SweepOutputs Outputs { get; init; } = SweepOutputs.All;

    /// <summary>Every point's merge spec, validated; the first invalid point is a <see cref="Specs.SpecException"/>.</summary>
    public IReadOnlyList<SweepCandidateSpec> Candidates() => Points.Select(MergeTemplate.Instantiate).ToList();

    /// <summary>Every point's connect options, validated (a connect sweep).</summary>
    public IReadOnlyList<ConnectSweepPoint> ConnectPoints()
    {
        var template = Connect ?? throw new InvalidOperationException($"sweep {Name} is a merge sweep: it has no connect section");
        return Points.Select(template.Instantiate).ToList();
    }
}
