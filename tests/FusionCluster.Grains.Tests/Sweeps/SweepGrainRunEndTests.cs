using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Sweeps;
using FusionCluster.Grains.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>What a sweep shows while it writes a run's finish: the run as running until its record is written and saved.</summary>
public sealed class SweepGrainRunEndTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fusion-sweep-run-end-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task A_run_shows_running_in_its_detail_and_the_sweeps_status_until_its_finish_is_written_and_saved()
    {
        // `fusion sweep run` returns when the run's detail says it ended. It said so while the run's record was still being
        // written and older runs pruned (finishing, in memory), so a caller looking at the output then found it half done.
        var cancellation = TestContext.Current.CancellationToken;
        TinyTaskModels.Write(folder, seed: 21, cancellation);
        var hold = new StateWriteHold(state => state is SweepGrainState sweep && sweep.Runs.Any(r => r.Number == 1 && r.State == SweepRunState.Succeeded));
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1, jobStorage: hold.Wrap, services: s =>
            s.Configure<SweepOptions>(o => o.PumpInterval = TimeSpan.FromMilliseconds(100)));
        var sweep = cluster.Client.GetGrain<ISweepGrain>("run-end");
        Assert.Null((await sweep.Create(new SweepDefinition { SpecText = Spec, SpecName = "sweep.yaml", SpecDirectory = folder })).Error);
        await sweep.Run();
        await hold.WhileHeldAsync(
            async () =>
            {
                var whileSaving = (await sweep.GetRun(1))!;
                Assert.Equal(SweepRunState.Running, whileSaving.Summary.State);
                Assert.Null(whileSaving.Summary.FinishedAt);
                var status = await sweep.GetStatus();
                Assert.Equal(1, status.ActiveRun);
                var listed = status.Runs.Single(r => r.Number == 1);
                Assert.Equal(SweepRunState.Running, listed.State);
                Assert.Null(listed.FinishedAt);
            },
            cancellation);

        await SweepTestSettings.EventuallyAsync(async () => (await sweep.GetRun(1))!.Summary.State, state => state == SweepRunState.Succeeded, cancellation);
        Assert.True(File.Exists(Path.Combine(folder, "out", "runs", SweepOutputLayout.RunFileName(1))));
    }

    private const string Spec = """
        template:
          merge_method: task_arithmetic
          base_model: base
          models:
            - {model: ft-1, parameters: {weight: 0.5}}
            - {model: ft-2, parameters: {weight: 0.5}}
          dtype: bfloat16
        space:
          grid:
            models[*].parameters.weight: [0.4, 0.8]
        evaluator:
          tensors: {compare: [ft-1, ft-2], base: base}
        objective: {metric: cosine/ft-1, direction: maximize}
        out: out
        """;
}
