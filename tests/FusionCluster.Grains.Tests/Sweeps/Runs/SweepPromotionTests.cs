using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Sweeps;
using FusionCluster.Grains.Sweeps.Runs;

namespace FusionCluster.Grains.Tests.Sweeps.Runs;

/// <summary>Ending a run: ranking by the objective, promotion of the best, and what pruning keeps.</summary>
public sealed class SweepPromotionTests : IDisposable
{
    private const string BestLocation = "/sweeps/out/best";
    private static readonly DateTimeOffset Now = new(2026, 2, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly SweepTestModels models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public void The_best_evaluated_candidate_leads_and_is_promoted()
    {
        var spec = Spec(new PromotePolicy(CopyBest: true, KeepRuns: 5), ObjectiveDirection.Maximize);
        var run = Run(3, ("a", 0.5), ("b", null), ("c", 0.8), ("d", 0.8));
        var state = new SweepGrainState { Runs = [run] };

        var finish = SweepPromotion.Finish(state, run, spec, Now, BestLocation, bestFolderExists: false);

        // Ties go to the earlier candidate; failed ones are not ranked.
        Assert.Equal([2, 3, 0], run.Leaderboard);
        Assert.Equal((SweepRunState.Succeeded, (DateTimeOffset?)Now), (run.State, run.FinishedAt));
        Assert.Equal("c", finish.Promoted!.Label);
        Assert.False(finish.AlreadyInPlace);
        Assert.Equal(BestLocation, run.PromotedTo);
    }

    [Fact]
    public void A_baseline_better_than_every_merge_is_neither_ranked_nor_promoted()
    {
        var spec = Spec(new PromotePolicy(CopyBest: true, KeepRuns: 5), ObjectiveDirection.Maximize);
        var run = Run(1, ("a", 0.5), ("b", 0.7), ("ensemble", 0.9));
        run.Candidates[2] = run.Candidates[2] with { Baseline = true, CacheKey = "" };

        var finish = SweepPromotion.Finish(new SweepGrainState { Runs = [run] }, run, spec, Now, BestLocation, bestFolderExists: false);

        Assert.Equal([1, 0], run.Leaderboard);
        Assert.Equal("b", finish.Promoted!.Label);
    }

    [Fact]
    public void Minimizing_puts_the_smallest_value_first()
    {
        var spec = Spec(new PromotePolicy(CopyBest: false, KeepRuns: 5), ObjectiveDirection.Minimize);
        var run = Run(1, ("a", 0.5), ("b", 0.1), ("c", 0.8));

        var finish = SweepPromotion.Finish(new SweepGrainState { Runs = [run] }, run, spec, Now, BestLocation, bestFolderExists: false);

        Assert.Equal([1, 0, 2], run.Leaderboard);
        Assert.Equal("b", finish.Best!.Label);
        Assert.Null(finish.Promoted);
        Assert.Equal("", run.PromotedTo);
    }

    [Fact]
    public void A_run_with_nothing_evaluated_fails_with_the_first_error()
    {
        var spec = Spec(PromotePolicy.Default, ObjectiveDirection.Maximize);
        var run = Run(1, ("a", null), ("b", null));
        run.Candidates[1] = run.Candidates[1] with { Error = "evaluation failed: boom" };

        var finish = SweepPromotion.Finish(new SweepGrainState { Runs = [run] }, run, spec, Now, BestLocation, bestFolderExists: true);

        Assert.Equal(SweepRunState.Failed, run.State);
        Assert.Equal("no merge was evaluated; first error: evaluation failed: boom", run.Error);
        Assert.Null(finish.Promoted);
    }

    [Fact]
    public void Pruning_keeps_the_newest_runs_their_merges_and_the_promoted_merge()
    {
        var spec = Spec(new PromotePolicy(CopyBest: false, KeepRuns: 2), ObjectiveDirection.Maximize);
        var old = Finished(Run(1, ("old", 0.1)));
        var middle = Finished(Run(2, ("middle", 0.2)));
        var run = Run(3, ("new", 0.3));
        var state = new SweepGrainState { Runs = [old, middle, run], PromotedKey = "key-old" };

        var finish = SweepPromotion.Finish(state, run, spec, Now, BestLocation, bestFolderExists: true);

        Assert.Equal([2, 3], finish.KeepRuns.Order());
        // Run 1 is dropped, but its merge stays: best/ still holds it.
        Assert.Equal(["key-middle", "key-new", "key-old"], finish.KeepKeys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_best_already_in_place_is_not_copied_again_unless_its_folder_is_gone()
    {
        var spec = Spec(PromotePolicy.Default, ObjectiveDirection.Maximize);
        var run = Run(2, ("same", 0.9));
        var state = new SweepGrainState { Runs = [run], PromotedKey = "key-same" };

        Assert.True(SweepPromotion.Finish(state, run, spec, Now, BestLocation, bestFolderExists: true).AlreadyInPlace);
        Assert.False(SweepPromotion.Finish(state, Run(2, ("same", 0.9)), spec, Now, BestLocation, bestFolderExists: false).AlreadyInPlace);
    }

    private SweepSpec Spec(PromotePolicy promote, ObjectiveDirection direction) =>
        SweepSpecParser.Parse(SweepTestModels.HourlySweep, "hourly.yaml", models.Folder) with
        {
            Promote = promote,
            Objective = new SweepObjective("score", direction),
        };

    private static SweepRunRecord Run(int number, params (string Label, double? Objective)[] candidates) => new()
    {
        Number = number,
        State = SweepRunState.Running,
        Candidates = candidates.Select((c, i) => new SweepCandidateStatus
        {
            Index = i,
            Label = c.Label,
            CacheKey = $"key-{c.Label}",
            State = c.Objective is null ? CandidateState.Failed : CandidateState.Done,
            Objective = c.Objective,
        }).ToList(),
    };

    private static SweepRunRecord Finished(SweepRunRecord run)
    {
        run.State = SweepRunState.Succeeded;
        return run;
    }
}
