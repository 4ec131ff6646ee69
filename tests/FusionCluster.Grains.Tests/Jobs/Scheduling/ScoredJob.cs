using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Sweeps;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs;

namespace FusionCluster.Grains.Tests.Jobs.Scheduling;

/// <summary>
/// A scoring job that publishes its best, in small: three candidates over two shared units (<see cref="Plan"/>), each
/// tensor compared with one reference, r, by the objective the highest cosine.
/// </summary>
internal static class ScoredJob
{
    public static readonly OutputScoring Scoring = new(["r"], ["/models/r"], null);
    public static readonly SweepObjective MaxCosine = new("cosine/r", ObjectiveDirection.Maximize);
    public static readonly MergePlan Plan = SharedInputPlanner.Plan([Candidate(0), Candidate(1), Candidate(2)]);
    public static readonly List<CandidateStatus> Running = [.. Enumerable.Range(0, 3).Select(i => new CandidateStatus($"c{i}", $"/out/c{i}", JobState.Running, null))];

    public static CandidatePlan Candidate(int index) => new($"c{index}", "merge_method: linear", $"/out/c{index}", $"job-{index}")
    {
        Plan = new MergePlan
        {
            Method = "linear",
            ModelPaths = new Dictionary<string, string> { ["a"] = "/models/a" },
            Units = [new WorkUnit { Index = 0, Name = "layer 0", Tensors = [] }, new WorkUnit { Index = 1, Name = "layer 1", Tensors = [] }],
            Shards = [],
        },
    };

    /// <summary>A scoring unit's result: each candidate's one tensor of values, scored against <paramref name="reference"/>.</summary>
    public static UnitResult Unit(float[] candidate0, float[] candidate1, float[] candidate2, float[] reference) => new(0, 0, 0, 1, [])
    {
        Members = [.. new[] { candidate0, candidate1, candidate2 }.Select((values, c) => Member(c, 0, written: false) with { Scores = [Score(values, reference)] })],
    };

    public static TensorScore Score(float[] values, float[] reference)
    {
        var sums = TensorMetricSums.OfTensor(new ArrayTensorSource(values), null, [new ArrayTensorSource(reference)], TestContext.Current.CancellationToken);
        return new TensorScore("w", 0, 0, sums.ToJson());
    }

    public static UnitResult Member(int candidate, int unit, bool written) => new(unit, 0, 0, 1, []) { Candidate = candidate, Written = written };

    public static UnitRecord Done(UnitResult result) => new() { State = UnitState.Done, Result = result };
}
