using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Sweeps;
using FusionCluster.Grains.Sweeps.Views;

namespace FusionCluster.Grains.Tests.Sweeps.Views;

/// <summary>A sweep's status: newest runs and log entries first, no next fire while paused, the catalog entry's last finished run.</summary>
public sealed class SweepViewsTests : IDisposable
{
    private readonly SweepTestModels models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public void Status_lists_newest_first_and_hides_the_next_fire_while_paused()
    {
        var spec = SweepSpecParser.Parse(SweepTestModels.HourlySweep, "hourly.yaml", models.Folder);
        var next = new DateTimeOffset(2026, 1, 5, 11, 0, 0, TimeSpan.Zero);
        var state = new SweepGrainState
        {
            Definition = new SweepDefinition { SpecText = SweepTestModels.HourlySweep, SpecName = "hourly.yaml", SpecDirectory = models.Folder },
            NextDue = next,
            LastRunNumber = 2,
            Runs = [new SweepRunRecord { Number = 1, State = SweepRunState.Succeeded }, new SweepRunRecord { Number = 2, State = SweepRunState.Running }],
        };

        var status = SweepViews.Status("s", state, spec);
        Assert.Equal((true, "hourly", next, 2, 2), (status.Exists, status.Name, status.NextFire, status.ActiveRun, status.Points));
        Assert.Equal([2, 1], status.Runs.Select(r => r.Number));

        state.Paused = true;
        Assert.Null(SweepViews.Status("s", state, spec).NextFire);

        var entry = SweepViews.CatalogEntry("s", state, spec);
        Assert.Equal((SweepRunState.Succeeded, 2, 2), (entry.LastRunState!.Value, entry.Runs, entry.ActiveRun));
    }

    [Fact]
    public void The_catalogs_best_is_the_last_completed_runs_not_a_cancelled_runs_partial_leader()
    {
        var spec = SweepSpecParser.Parse(SweepTestModels.HourlySweep, "hourly.yaml", models.Folder);
        var state = new SweepGrainState
        {
            Definition = new SweepDefinition { SpecText = SweepTestModels.HourlySweep, SpecName = "hourly.yaml", SpecDirectory = models.Folder },
            LastRunNumber = 2,
            Runs =
            [
                new SweepRunRecord { Number = 1, State = SweepRunState.Succeeded, Candidates = [Point(0, "w=0.3", 0.7)], Leaderboard = [0] },
                new SweepRunRecord { Number = 2, State = SweepRunState.Cancelled, Candidates = [Point(0, "w=0.9", 0.95)], Leaderboard = [0] },
            ],
        };

        var entry = SweepViews.CatalogEntry("s", state, spec);

        Assert.Equal((SweepRunState.Cancelled, "w=0.3", (double?)0.7), (entry.LastRunState!.Value, entry.BestLabel, entry.BestObjective));
    }

    private static SweepCandidateStatus Point(int index, string label, double objective) =>
        new() { Index = index, Label = label, State = CandidateState.Done, Objective = objective };
}
