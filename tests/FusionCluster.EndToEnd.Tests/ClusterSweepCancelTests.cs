using FusionCluster.Cli.Commands;
using FusionCluster.Client;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.TestSupport;

namespace FusionCluster.EndToEnd.Tests;

/// <summary>
/// `fusion sweep cancel` against a real local cluster (deploy/local/cluster: redis-server, Azurite, a fusion-silo
/// process): a run whose evaluations hang is cancelled by the verb, which says how far it got; the run's record is in
/// the output; the verb again says no run is going; the sweep stays and runs again.
/// </summary>
public sealed class ClusterSweepCancelTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("fusion-e2e-cancel-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Fusion_sweep_cancel_ends_the_run_going_and_the_sweep_runs_again()
    {
        var cancellation = TestContext.Current.CancellationToken;
        Assert.Equal(0, SynthCommand.Run(root, 2_000_000, DType.BF16, fineTunes: 2, seed: 12, shardBytes: 2_000_000_000, overwrite: false, cancellation));
        var release = Path.Combine(root, "release");
        await using var cluster = new LocalClusterScript(new Dictionary<string, string> { ["Fusion__Evaluation__Command__Enabled"] = "true" });
        await cluster.UpAsync(silos: 1, cancellation, root);
        await using var connection = await ClusterConnection.ConnectAsync(cluster.Redis, FusionClusterIdentity.DefaultClusterId, cancellation);
        var sweep = connection.Client.GetGrain<ISweepGrain>("held");
        try
        {
            Assert.Null((await sweep.Create(new SweepDefinition { SpecText = Spec(release), SpecDirectory = root, SpecName = "held.yaml" })).Error);
            Assert.True((await sweep.Run()).Started);
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while ((await sweep.GetRun(1))?.Candidates.Count(c => c.State == CandidateState.Evaluating) != 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "the run's two evaluations did not start within 3 minutes");
                await Task.Delay(100, cancellation);
            }

            var (exitCode, stdout, stderr) = await Fusion(cancellation, "sweep", "cancel", "held", "--cluster", cluster.Redis);

            Assert.True(exitCode == 0, $"fusion sweep cancel exited {exitCode}: {stderr}");
            Assert.Equal("run 1 of sweep held cancelled: 0 of 2 points done", stdout.Trim());
            Assert.Equal(SweepRunState.Cancelled, (await sweep.GetRun(1))!.Summary.State);
            Assert.True(File.Exists(Path.Combine(root, "out", SweepOutputLayout.RunsFolder, SweepOutputLayout.RunFileName(1))));

            (exitCode, _, stderr) = await Fusion(cancellation, "sweep", "cancel", "held", "--cluster", cluster.Redis);
            Assert.Equal(1, exitCode);
            Assert.Contains("no run of sweep 'held' is going; the newest, run 1, cancelled", stderr, StringComparison.Ordinal);

            File.WriteAllText(release, "");
            Assert.True((await sweep.Run()).Started);
            while ((await sweep.GetRun(2))!.Summary.State is SweepRunState.Preparing or SweepRunState.Running)
            {
                Assert.True(DateTime.UtcNow < deadline.AddMinutes(3), "run 2 did not end");
                await Task.Delay(100, cancellation);
            }

            var second = (await sweep.GetRun(2))!;
            Assert.True(second.Summary.State == SweepRunState.Succeeded, $"run 2 ended {second.Summary.State}: {second.Summary.Error}");
            Assert.Equal(2, second.Candidates.Count(c => c.Cached));
        }
        finally
        {
            File.WriteAllText(release, "");
        }
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> Fusion(CancellationToken cancellation, params string[] arguments) =>
        DotnetTool.RunAsync(typeof(MergeCommand).Assembly.Location, arguments, TimeSpan.FromSeconds(120), cancellation);

    private static string Spec(string release) => $$$"""
        template: task_arithmetic.yaml
        space:
          grid:
            models[*].parameters.weight: [0.3, 0.6]
        evaluator:
          command: {run: "while [ ! -e '{{{release}}}' ]; do sleep 0.05; done; echo '{\"score\": 1}'; true", timeout: 300}
        objective: {metric: score, direction: maximize}
        max_concurrent: 2
        out: out
        """;
}
