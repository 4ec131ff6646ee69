using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Sweeps;
using FusionCluster.Grains.Sweeps.Runs;

namespace FusionCluster.Grains.Tests.Sweeps.Runs;

/// <summary>A new sweep's state from the run records and best/ info an earlier sweep of its id kept in its output.</summary>
public sealed class SweepRunHistoryTests : IDisposable
{
    private const string KeyA = "0123456789abcdef0123456789abcdef";
    private const string KeyB = "fedcba9876543210fedcba9876543210";
    private const string KeyC = "00112233445566778899aabbccddeeff";
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    private readonly SweepTestModels models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public void Kept_records_become_finished_runs_numbered_by_their_files_and_unreadable_ones_still_count()
    {
        var state = new SweepGrainState();

        var unreadable = SweepRunHistory.Restore(History(), state);

        Assert.Equal([9, 11], unreadable);
        Assert.Equal(11, state.LastRunNumber);
        Assert.Equal([4, 7], state.Runs.Select(r => r.Number));
        var four = state.Runs[0];
        Assert.Equal((SweepRunState.Succeeded, SweepTrigger.Schedule, "cosine/ft-1", true), (four.State, four.Trigger, four.ObjectiveMetric, four.Maximize));
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 1, 0, 0, TimeSpan.Zero), four.StartedAt);
        Assert.Equal([1, 0], four.Leaderboard);
        Assert.Equal([KeyA, KeyB], four.Candidates.Select(c => c.CacheKey));
        Assert.True(double.IsNaN(four.Candidates[0].Metrics["task_cosine/base"]));
        Assert.Equal(0.75, four.Candidates[1].Objective);
        Assert.Equal((SweepRunState.Failed, "no merge was evaluated"), (state.Runs[1].State, state.Runs[1].Error));
        Assert.Equal(KeyB, state.PromotedKey);
        Assert.All(state.Runs, r => Assert.False(r.IsActive));
    }

    [Fact]
    public void The_next_run_is_numbered_after_them_and_keep_runs_counts_them()
    {
        var state = new SweepGrainState();
        SweepRunHistory.Restore(History(), state);
        var spec = SweepSpecParser.Parse(SweepTestModels.HourlySweep, "hourly.yaml", models.Folder) with
        {
            Promote = new PromotePolicy(CopyBest: false, KeepRuns: 2),
            Objective = new SweepObjective("cosine/ft-1", ObjectiveDirection.Maximize),
        };
        var run = new SweepRunRecord
        {
            Number = ++state.LastRunNumber,
            State = SweepRunState.Running,
            Candidates = [new SweepCandidateStatus { Index = 0, Label = "new", CacheKey = KeyC, State = CandidateState.Done, Objective = 0.5 }],
        };
        state.Runs.Add(run);

        var finish = SweepPromotion.Finish(state, run, spec, Now, "/out/best", bestFolderExists: true);

        // Runs 7 and 12 are kept; of run 4's merges only the one best/ holds (KeyB, restored) stays.
        Assert.Equal(12, run.Number);
        Assert.Equal([7, 12], finish.KeepRuns.Order());
        Assert.Equal([KeyC, KeyB], finish.KeepKeys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_cancelled_runs_record_is_restored_as_cancelled_with_its_pending_points()
    {
        var state = new SweepGrainState();
        var history = new SweepOutputHistory(
            [
                (3, $$"""
                    {"Summary": {"Number": 3, "State": 4, "StartedAt": "2026-12-05T03:00:00+00:00", "FinishedAt": "2026-12-05T03:01:00+00:00", "Error": "cancelled: 1 of 2 points done"},
                     "Candidates": [
                       {"Index": 0, "Label": "w=0.1", "State": 3, "CacheKey": "{{KeyA}}", "Metrics": {"cosine/ft-1": 0.5}, "Objective": 0.5},
                       {"Index": 1, "Label": "w=0.2", "State": 0, "CacheKey": "{{KeyB}}"}],
                     "Leaderboard": [0], "ObjectiveMetric": "cosine/ft-1", "Maximize": true}
                    """),
            ],
            null);

        Assert.Empty(SweepRunHistory.Restore(history, state));

        var three = Assert.Single(state.Runs);
        Assert.Equal((SweepRunState.Cancelled, "cancelled: 1 of 2 points done", false), (three.State, three.Error, three.IsActive));
        Assert.Equal([CandidateState.Done, CandidateState.Pending], three.Candidates.Select(c => c.State));
        Assert.Equal(3, state.LastRunNumber);
    }

    [Fact]
    public void No_history_leaves_a_new_state_as_it_was()
    {
        var state = new SweepGrainState();

        Assert.Empty(SweepRunHistory.Restore(SweepOutputHistory.None, state));

        Assert.Equal((0, 0, (string?)null), (state.LastRunNumber, state.Runs.Count, state.PromotedKey));
    }

    /// <summary>Records as the driver writes them (enums as numbers, NaN as a string), by hand.</summary>
    private static SweepOutputHistory History() => new(
        [
            (4, $$"""
                {"Summary": {"Number": 4, "Trigger": 1, "State": 2, "StartedAt": "2026-12-05T01:00:00+00:00", "FinishedAt": "2026-12-05T01:05:00+00:00", "Candidates": 2},
                 "Candidates": [
                   {"Index": 0, "Label": "w=0.1", "State": 3, "CacheKey": "{{KeyA}}", "Metrics": {"cosine/ft-1": 0.5, "task_cosine/base": "NaN"}, "Objective": 0.5},
                   {"Index": 1, "Label": "w=0.2", "State": 3, "CacheKey": "{{KeyB}}", "Metrics": {"cosine/ft-1": 0.75}, "Objective": 0.75}],
                 "Leaderboard": [1, 0], "ObjectiveMetric": "cosine/ft-1", "Maximize": true, "PromotedTo": "/out/best"}
                """),
            (9, "{\"Summary\": {\"Number\": 9, "),
            (11, null),
            (7, """
                {"Summary": {"Number": 7, "State": 3, "StartedAt": "2026-12-05T02:00:00+00:00", "Error": "no merge was evaluated"},
                 "Candidates": [{"Index": 0, "Label": "w=0.3", "State": 4, "CacheKey": ""}]}
                """),
        ],
        $$"""{"sweep": "hourly", "run": 4, "cache_key": "{{KeyB}}"}""");
}
