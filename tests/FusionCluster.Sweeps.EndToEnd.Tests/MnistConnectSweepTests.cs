using System.Globalization;
using FusionCluster.Cli.Commands;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Training;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.TestSupport;

namespace FusionCluster.Sweeps.EndToEnd.Tests;

/// <summary>
/// A sweep of kind connect on real MNIST MLPs trained from different seeds, through the grains on an embedded silo:
/// every point's barriers must be what <c>fusion connect</c> itself publishes with the same options, the published
/// connect.json's barrier must follow from its own points by the barrier's definition, and the leaderboard must rank
/// the points by loss barrier, lowest first.
/// </summary>
public sealed class MnistConnectSweepTests : IDisposable
{
    private const string SweepYaml = """
        name: mnist connectivity
        kind: connect
        connect:
          a: mlp-1
          b: mlp-2
          dataset: digits.fcds
          points: 5
          max_samples: 1000
          statistics_samples: 500
        space:
          grid:
            connect.align: [none, weight_matching, activation_matching]
            connect.repair: [false, true]
        max_concurrent: 2
        out: sweep-out
        """;

    private readonly TempFolder root = new("fusion-connect-sweep-e2e-");

    public void Dispose() => root.Dispose();

    [Fact]
    public async Task Connect_sweep_points_equal_fusion_connect_with_the_same_options_and_rank_by_loss_barrier()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var folder = root.Path;
        var dataset = MnistPackageConverter.Convert(LocalTools.MnistPackageDirectory);
        ImageDatasetFile.Write(Path.Combine(folder, "digits.fcds"), dataset);
        foreach (var seed in new ulong[] { 1, 2 })
        {
            ClassifierTrainer.TrainAndSave(dataset, new TrainingOptions { MaxSamples = 3000, Epochs = 1, Seed = seed }, Path.Combine(folder, $"mlp-{seed}"), cancellation);
        }

        var sweepFile = Path.Combine(folder, "sweep.yaml");
        await File.WriteAllTextAsync(sweepFile, SweepYaml, cancellation);

        await using var runner = await SweepEmbeddedRunner.StartAsync(unitSlots: 2, allowCommandEvaluator: false, LocalRoots.Anywhere, cancellation);
        var run = await runner.RunAsync(sweepFile, File.ReadAllText(sweepFile), "mnist-connect", null, cancellation);

        Assert.Equal(SweepRunState.Succeeded, run.Summary.State);
        Assert.True(run.Connect);
        Assert.Equal("loss_barrier", run.ObjectiveMetric);
        Assert.False(run.Maximize);
        Assert.Equal(6, run.Candidates.Count);
        Assert.All(run.Candidates, c => Assert.True(c.State == CandidateState.Done, $"{c.Label}: {c.Error}"));
        Assert.Equal(6, run.Leaderboard.Count);
        Assert.Equal("", run.PromotedTo);
        Assert.False(Directory.Exists(Path.Combine(folder, "sweep-out", "best")));

        var viaCli = new Dictionary<int, double>();
        foreach (var candidate in run.Candidates)
        {
            var align = (candidate.Index / 2) switch { 0 => "none", 1 => "weight_matching", _ => "activation_matching" };
            var repair = candidate.Index % 2 == 1;
            Assert.Equal($"connect.align={align} connect.repair={(repair ? "true" : "false")}", candidate.Label);

            // Published where the sweep says, as a connect result.
            var expectedLocation = Path.Combine(folder, "sweep-out", "connect", string.Create(CultureInfo.InvariantCulture, $"run-000001-point-{candidate.Index:D3}"));
            Assert.Equal(expectedLocation, candidate.MergeOutput);
            var published = ConnectResults.Document(expectedLocation);
            var path = published["paths"]!.AsArray().Single()!;
            Assert.Equal(align, path["alignment"]!.GetValue<string>());
            Assert.Equal(repair, path["repair"]!.GetValue<bool>());

            // The barrier follows from the published points by its definition: max over α of loss(α) − ((1−α)·loss(0) + α·loss(1)).
            var points = path["points"]!.AsArray().Select(p => (Alpha: p!["alpha"]!.GetValue<double>(), Loss: p["loss"]!.GetValue<double>())).ToList();
            Assert.Equal(5, points.Count);
            var byDefinition = points.Max(p => p.Loss - (((1 - p.Alpha) * points[0].Loss) + (p.Alpha * points[^1].Loss)));
            Assert.Equal(byDefinition, candidate.Metrics["loss_barrier"], 12);
            Assert.Equal(candidate.Objective, candidate.Metrics["loss_barrier"]);

            // fusion connect with the same options, run as the command, publishes the same barriers; at a location of the
            // same name, the same connect.json byte for byte (it records no time, so nothing differs between two runs).
            var cliResult = Path.Combine(folder, "cli", $"{candidate.Index}", Path.GetFileName(expectedLocation));
            string[] arguments =
            [
                Path.Combine(folder, "mlp-1"), Path.Combine(folder, "mlp-2"), "--dataset", Path.Combine(folder, "digits.fcds"),
                "--align", align, "--points", "5", "--max-samples", "1000", "--statistics-samples", "500", "--publish", cliResult,
                .. repair ? new[] { "--repair" } : [],
            ];
            Assert.Equal(0, await ConnectCommand.Create().Parse(arguments).InvokeAsync(cancellationToken: cancellation));
            var cliPath = ConnectResults.Document(cliResult)["paths"]!.AsArray().Single()!;
            Assert.Equal(cliPath["loss_barrier"]!.GetValue<double>(), candidate.Metrics["loss_barrier"]);
            Assert.Equal(cliPath["accuracy_barrier"]!.GetValue<double>(), candidate.Metrics["accuracy_barrier"]);
            Assert.Equal(cliPath["points"]!.ToJsonString(), path["points"]!.ToJsonString());
            Assert.Equal(File.ReadAllBytes(Path.Combine(cliResult, "connect.json")), File.ReadAllBytes(Path.Combine(expectedLocation, "connect.json")));
            viaCli[candidate.Index] = cliPath["loss_barrier"]!.GetValue<double>();

            // The point's plot is the one fusion connect --publish draws for the same path, byte for byte.
            ConnectResults.AssertPlot(expectedLocation);
            Assert.Equal(File.ReadAllBytes(Path.Combine(cliResult, "connect.png")), File.ReadAllBytes(Path.Combine(expectedLocation, "connect.png")));
        }

        // Lowest barrier first, ties in point order: ranked from fusion connect's own barriers.
        var expectedRanking = viaCli.OrderBy(p => p.Value).ThenBy(p => p.Key).Select(p => p.Key).ToList();
        Assert.Equal(expectedRanking, run.Leaderboard);

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", run.Leaderboard.Select(i => run.Candidates[i]).Select(c => string.Create(
            CultureInfo.InvariantCulture,
            $"{c.Metrics["loss_barrier"]:0.0000}  acc barrier {c.Metrics["accuracy_barrier"]:0.0000}  midpoint acc {c.Metrics["midpoint_accuracy"]:0.0000}  eval {c.EvaluationSeconds:0.0}s  {c.Label}"))));
    }

    [Fact]
    public async Task Keep_runs_prunes_the_connect_results_of_older_runs_and_every_kept_point_has_its_plot()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var folder = root.Path;
        var dataset = MnistPackageConverter.Convert(LocalTools.MnistPackageDirectory);
        ImageDatasetFile.Write(Path.Combine(folder, "digits.fcds"), dataset);
        foreach (var seed in new ulong[] { 1, 2 })
        {
            ClassifierTrainer.TrainAndSave(dataset, new TrainingOptions { MaxSamples = 1000, Epochs = 1, Seed = seed }, Path.Combine(folder, $"mlp-{seed}"), cancellation);
        }

        var sweepFile = Path.Combine(folder, "sweep.yaml");
        await File.WriteAllTextAsync(sweepFile, """
            name: pruned connectivity
            kind: connect
            connect: {a: mlp-1, b: mlp-2, dataset: digits.fcds, points: 3, max_samples: 300, statistics_samples: 200}
            space:
              grid:
                connect.align: [none, weight_matching]
            promote: {keep_runs: 1}
            out: sweep-out
            """, cancellation);
        var connect = Path.Combine(folder, "sweep-out", "connect");
        // Someone's folder beside the results: not the sweep's to prune.
        Directory.CreateDirectory(Path.Combine(connect, "notes"));

        await using var runner = await SweepEmbeddedRunner.StartAsync(unitSlots: 2, allowCommandEvaluator: false, LocalRoots.Anywhere, cancellation);
        var first = await runner.RunAsync(sweepFile, File.ReadAllText(sweepFile), "pruned-connect", null, cancellation);
        Assert.Equal(SweepRunState.Succeeded, first.Summary.State);
        Assert.Equal(["notes", "run-000001-point-000", "run-000001-point-001"], Directory.EnumerateDirectories(connect).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var second = await runner.RunAsync(sweepFile, File.ReadAllText(sweepFile), "pruned-connect", null, cancellation);
        Assert.Equal(SweepRunState.Succeeded, second.Summary.State);

        // The run reads as finished once ranked; its record is written and the output pruned right after.
        for (var wait = 0; wait < 300 && Directory.EnumerateDirectories(connect, "run-000001-*").Any(); wait++)
        {
            await Task.Delay(100, cancellation);
        }

        Assert.Equal(["notes", "run-000002-point-000", "run-000002-point-001"], Directory.EnumerateDirectories(connect).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["run-000002.json"], Directory.EnumerateFiles(Path.Combine(folder, "sweep-out", "runs")).Select(Path.GetFileName));
        foreach (var candidate in second.Candidates)
        {
            Assert.Equal(Path.Combine(connect, $"run-000002-point-{candidate.Index:D3}"), candidate.MergeOutput);
            ConnectResults.AssertPlot(candidate.MergeOutput);
            Assert.True(File.Exists(Path.Combine(candidate.MergeOutput, "fusion-manifest.json")), $"{candidate.MergeOutput}: no manifest");
        }
    }
}
