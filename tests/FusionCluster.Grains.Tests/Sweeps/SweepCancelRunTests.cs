using System.Text.Json;
using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Sweeps;
using FusionCluster.Grains.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>
/// Cancelling a sweep run on real grains, merges and files: it ends at once as cancelled, promotes nothing, keeps its
/// record and the merges it published (the next run reuses them), and the sweep stays to run again; a cancel that comes
/// while the run's finish is being written waits for it and says it finished.
/// </summary>
public sealed class SweepCancelRunTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fusion-sweep-cancel-").FullName;

    /// <summary>The file the gated evaluations wait for (<see cref="GatedCommand"/>).</summary>
    private string Release => Path.Combine(folder, "release");

    private string Gates => Path.Combine(folder, "gates");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task A_cancelled_run_ends_at_once_promotes_nothing_and_the_next_run_reuses_its_merges()
    {
        var cancellation = TestContext.Current.CancellationToken;
        TinyTaskModels.Write(folder, seed: 33, cancellation);
        // Run 1's two merges are published, then their evaluations hang until the test lets them go.
        await using var cluster = await StartClusterAsync();
        try
        {
            var sweep = cluster.Client.GetGrain<ISweepGrain>("cancel-me");
            Assert.Null((await sweep.Create(new SweepDefinition { SpecText = Spec(GatedCommand()), SpecName = "sweep.yaml", SpecDirectory = folder })).Error);
            Assert.True((await sweep.Run()).Started);
            // Both of run 1's evaluations are running their command (each took its gate), so none of run 2's will wait.
            await BothGatesTakenAsync(cancellation);

            var cancelled = await sweep.CancelRun(0);

            Assert.NotNull(cancelled);
            Assert.Equal(1, cancelled.Summary.Number);
            Assert.Equal(SweepRunState.Cancelled, cancelled.Summary.State);
            Assert.NotNull(cancelled.Summary.FinishedAt);
            Assert.Equal("cancelled: 0 of 4 points done", cancelled.Summary.Error);
            // Nothing failed: those evaluating and those never merged are pending, for the next run to run.
            Assert.All(cancelled.Candidates, c => Assert.Equal(CandidateState.Pending, c.State));
            Assert.Equal(0, cancelled.Summary.Failed);
            Assert.Empty(cancelled.Leaderboard);
            Assert.Equal("", cancelled.PromotedTo);
            var status = await sweep.GetStatus();
            Assert.Equal(0, status.ActiveRun);
            Assert.Equal(SweepRunState.Cancelled, status.Runs.Single().State);

            var output = Path.Combine(folder, "out");
            Assert.False(Directory.Exists(Path.Combine(output, SweepOutputLayout.BestFolder)), "a cancelled run promoted a merge");
            using (var record = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, SweepOutputLayout.RunsFolder, SweepOutputLayout.RunFileName(1)), cancellation)))
            {
                Assert.Equal((int)SweepRunState.Cancelled, record.RootElement.GetProperty("Summary").GetProperty("State").GetInt32());
            }

            // The same cancel again, or of a run number that is over, changes nothing and says how it ended.
            Assert.Equal(SweepRunState.Cancelled, (await sweep.CancelRun(1))!.Summary.State);
            Assert.Null(await sweep.CancelRun(7));

            // The sweep runs again (the cancelled run is not going), reusing the merges run 1 published: run 1's two hanging
            // evaluations were stopped with it (the silo has two slots), and nothing of them holds up run 2's points of the
            // same numbers.
            var published = Directory.EnumerateDirectories(Path.Combine(output, SweepOutputLayout.MergesFolder))
                .Count(m => File.Exists(Path.Combine(m, "fusion-manifest.json")));
            Assert.InRange(published, 2, 4);
            Assert.True((await sweep.Run()).Started);
            var second = await SweepTestSettings.EventuallyAsync(async () => (await sweep.GetRun(2))!, r => r.Summary.State != SweepRunState.Running && r.Summary.State != SweepRunState.Preparing, cancellation);
            Assert.True(second.Summary.State == SweepRunState.Succeeded, $"run 2 {second.Summary.State}: {string.Join("; ", second.Candidates.Select(c => c.Error))}");
            Assert.Equal(published, second.Candidates.Count(c => c.Cached));
            Assert.True(Directory.Exists(Path.Combine(output, SweepOutputLayout.BestFolder)));
            Assert.Equal([1, 2], (await sweep.GetStatus()).Runs.Select(r => r.Number).Order());
        }
        finally
        {
            File.WriteAllText(Release, "");
        }
    }

    [Fact]
    public async Task A_sweep_deleted_mid_run_and_created_again_runs_its_run_number_again_unrefused()
    {
        var cancellation = TestContext.Current.CancellationToken;
        TinyTaskModels.Write(folder, seed: 35, cancellation);
        await using var cluster = await StartClusterAsync();
        try
        {
            var sweep = cluster.Client.GetGrain<ISweepGrain>("again");
            var definition = new SweepDefinition { SpecText = Spec(GatedCommand()), SpecName = "sweep.yaml", SpecDirectory = folder };
            Assert.Null((await sweep.Create(definition)).Error);
            await sweep.Run();
            await BothGatesTakenAsync(cancellation);

            // Deleted with its run going (its evaluations stopped, no record written), then created again on the same output.
            await sweep.Delete();
            Assert.Null((await sweep.Create(definition)).Error);
            var again = await sweep.Run();

            // The output kept no record of the deleted run, so the number comes back; the silo's refusal of the deleted
            // run's evaluations must not reach the new run's.
            Assert.Equal(1, again.Run);
            var run = await SweepTestSettings.EventuallyAsync(async () => (await sweep.GetRun(1))!, r => r.Summary.State is not (SweepRunState.Preparing or SweepRunState.Running), cancellation);
            Assert.True(run.Summary.State == SweepRunState.Succeeded, $"run 1 again {run.Summary.State}: {string.Join("; ", run.Candidates.Select(c => c.Error))}");
        }
        finally
        {
            File.WriteAllText(Release, "");
        }
    }

    [Fact]
    public async Task A_cancel_that_comes_while_the_finish_is_written_waits_for_it_and_says_the_run_finished()
    {
        var cancellation = TestContext.Current.CancellationToken;
        TinyTaskModels.Write(folder, seed: 34, cancellation);
        var hold = new StateWriteHold(state => state is SweepGrainState sweep && sweep.Runs.Any(r => r.Number == 1 && r.State == SweepRunState.Succeeded));
        await using var cluster = await StartClusterAsync(hold.Wrap);
        var sweep = cluster.Client.GetGrain<ISweepGrain>("cancel-late");
        Assert.Null((await sweep.Create(new SweepDefinition { SpecText = Spec("echo '{\\\"score\\\": 1}'; true"), SpecName = "sweep.yaml", SpecDirectory = folder })).Error);
        await sweep.Run();
        Task<SweepRunDetail?>? cancel = null;
        await hold.WhileHeldAsync(
            async () =>
            {
                // Ranked and promoted in memory, its state being saved: the cancel waits for the save.
                cancel = sweep.CancelRun(0);
                await Task.Delay(500, cancellation);
                Assert.False(cancel.IsCompleted, "the cancel answered while the run's finish was being saved");
            },
            cancellation);

        var ended = await cancel!.WaitAsync(TimeSpan.FromSeconds(60), cancellation);

        Assert.Equal(SweepRunState.Succeeded, ended!.Summary.State);
        Assert.True(Directory.Exists(Path.Combine(folder, "out", SweepOutputLayout.BestFolder)));
    }

    /// <summary>One silo with two slots and the command evaluator on, its sweep pump quick.</summary>
    private static Task<Orleans.TestingHost.InProcessTestCluster> StartClusterAsync(Func<Orleans.Storage.IGrainStorage, Orleans.Storage.IGrainStorage>? jobStorage = null) =>
        WorkerCluster.StartAsync(unitSlots: 2, silos: 1, allowCommandEvaluator: true, jobStorage: jobStorage, services: s =>
            s.Configure<SweepOptions>(o => o.PumpInterval = TimeSpan.FromMilliseconds(100)));

    /// <summary>An evaluator command whose first two runs (each takes a gate folder) wait for <see cref="Release"/>; later runs pass at once.</summary>
    private string GatedCommand()
    {
        Directory.CreateDirectory(Gates);
        return $"if mkdir '{Gates}/1' 2>/dev/null || mkdir '{Gates}/2' 2>/dev/null; then while [ ! -e '{Release}' ]; do sleep 0.05; done; fi; echo '{{\\\"score\\\": 1}}'; true";
    }

    /// <summary>Both gated evaluations are running their command (each took its gate).</summary>
    private Task BothGatesTakenAsync(CancellationToken cancellation) =>
        SweepTestSettings.EventuallyAsync(() => Task.FromResult(Directory.GetDirectories(Gates).Length), taken => taken == 2, cancellation);

    /// <param name="command">The evaluator's shell command (written into a YAML double-quoted string).</param>
    private static string Spec(string command) => $$$"""
        template:
          merge_method: task_arithmetic
          base_model: base
          models:
            - {model: ft-1, parameters: {weight: 0.5}}
            - {model: ft-2, parameters: {weight: 0.5}}
          dtype: bfloat16
        space:
          grid:
            models[*].parameters.weight: [0.2, 0.4, 0.6, 0.8]
        evaluator:
          command: {run: "{{{command}}}", timeout: 120}
        objective: {metric: score, direction: maximize}
        max_concurrent: 2
        out: out
        """;
}
