using FusionCluster.Cli.Commands;
using FusionCluster.Client;
using FusionCluster.Core.Tensors;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.TestSupport;

namespace FusionCluster.EndToEnd.Tests;

/// <summary>
/// In-job scores on a real local cluster (deploy/local/cluster: redis-server, Azurite, fusion-silo processes) are kept
/// in the cluster's evaluation cache, Redis: after the whole cluster restarts, a second run of the sweep takes every
/// score from it. The sweep publishes to a blob prefix, which has no cache folder, so nothing else can answer.
/// </summary>
public sealed class ClusterSweepScoreCacheTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("fusion-e2e-scores-").FullName;

    [Fact]
    public async Task A_rerun_after_the_whole_cluster_restarts_takes_every_score_from_redis()
    {
        var cancellation = TestContext.Current.CancellationToken;
        Assert.Equal(0, SynthCommand.Run(root, 20_000_000, DType.BF16, fineTunes: 2, seed: 11, shardBytes: 2_000_000_000, overwrite: false, TestContext.Current.CancellationToken));
        var definition = new SweepDefinition
        {
            SpecText = """
                template: task_arithmetic.yaml
                space:
                  grid:
                    models[*].parameters.weight: [0.3, 0.6, 0.9]
                evaluator:
                  tensors: {compare: [ft-1, ft-2], base: base}
                objective: {metric: cosine/ft-1, direction: maximize}
                outputs: {publish: best, keep: 1}
                out: az://sweeps/scored
                """,
            SpecDirectory = root,
            SpecName = "scored.yaml",
        };

        await using var cluster = new LocalClusterScript();
        await cluster.UpAsync(silos: 1, cancellation, root);
        SweepRunDetail first;
        await using (var connection = await ClusterConnection.ConnectAsync(cluster.Redis, FusionClusterIdentity.DefaultClusterId, cancellation))
        {
            var sweep = connection.Client.GetGrain<ISweepGrain>("scored");
            Assert.Null((await sweep.Create(definition)).Error);
            first = await RunAsync(sweep, cancellation);
        }

        await cluster.RunAsync(cancellation, "down");
        await cluster.UpAsync(silos: 1, cancellation, root);
        await using (var connection = await ClusterConnection.ConnectAsync(cluster.Redis, FusionClusterIdentity.DefaultClusterId, cancellation))
        {
            var second = await RunAsync(connection.Client.GetGrain<ISweepGrain>("scored"), cancellation);

            Assert.All(first.Candidates, c => Assert.False(c.EvaluationCached));
            Assert.All(second.Candidates, c => Assert.Equal((true, ""), (c.EvaluationCached, c.JobId)));
            Assert.Equal(first.Leaderboard, second.Leaderboard);
            for (var i = 0; i < first.Candidates.Count; i++)
            {
                Assert.Equal(first.Candidates[i].Metrics.OrderBy(m => m.Key, StringComparer.Ordinal), second.Candidates[i].Metrics.OrderBy(m => m.Key, StringComparer.Ordinal));
            }
        }
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static async Task<SweepRunDetail> RunAsync(ISweepGrain sweep, CancellationToken cancellation)
    {
        var started = await sweep.Run();
        Assert.True(started.Started, started.Error);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            var run = await sweep.GetRun(started.Run);
            if (run is { Summary.State: not (SweepRunState.Preparing or SweepRunState.Running) })
            {
                Assert.True(run.Summary.State == SweepRunState.Succeeded, $"run {started.Run} ended {run.Summary.State}: {run.Summary.Error ?? run.Candidates.FirstOrDefault(c => c.Error is not null)?.Error}");
                return run;
            }

            await Task.Delay(200, cancellation);
        }

        throw new TimeoutException($"run {started.Run} did not end within 5 minutes");
    }
}
