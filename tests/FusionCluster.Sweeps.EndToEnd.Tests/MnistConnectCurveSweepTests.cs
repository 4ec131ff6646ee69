using FusionCluster.Cli.Commands;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Evaluation.Training;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.TestSupport;

namespace FusionCluster.Sweeps.EndToEnd.Tests;

/// <summary>
/// A connect sweep over the paths that are not the straight line, on real MNIST MLPs (784-32-32-10) from different
/// seeds, through the grains on an embedded silo: the linear path, a trained Bézier curve (bezier_epochs, bezier_lr),
/// and ZipIt! in full and of the first hidden layer only (zip_layers). Every path starts and ends at the two models
/// as fusion eval scores them; the curve leaves the line where it was bent and lowers the barrier it was trained
/// against; each zip's midpoint is the zipped model fusion connect --save-zipped writes, as fusion eval scores it.
/// </summary>
public sealed class MnistConnectCurveSweepTests : IDisposable
{
    private const string SweepYaml = """
        name: mnist curves
        kind: connect
        connect: {a: mlp-1, b: mlp-2, dataset: digits.fcds, points: 5, statistics_samples: 500}
        space:
          list:
            - {connect.align: none}
            - {connect.align: none, connect.curve: bezier, connect.bezier_epochs: 2, connect.bezier_lr: 0.05}
            - {connect.align: zipit}
            - {connect.align: zipit, connect.zip_layers: 1}
        max_concurrent: 2
        out: sweep-out
        """;

    private readonly TempFolder root = new("fusion-connect-curves-");

    public void Dispose() => root.Dispose();

    [Fact]
    public async Task Bezier_and_zipit_points_keep_the_models_as_endpoints_and_differ_from_the_line_as_their_options_say()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var folder = root.Path;
        var dataset = MnistPackageConverter.Convert(LocalTools.MnistPackageDirectory);
        var datasetFile = Path.Combine(folder, "digits.fcds");
        ImageDatasetFile.Write(datasetFile, dataset);
        foreach (var seed in new ulong[] { 1, 2 })
        {
            ClassifierTrainer.TrainAndSave(dataset, new TrainingOptions { HiddenSizes = [32, 32], MaxSamples = 3000, Epochs = 1, Seed = seed }, Path.Combine(folder, $"mlp-{seed}"), cancellation);
        }

        var sweepFile = Path.Combine(folder, "sweep.yaml");
        await File.WriteAllTextAsync(sweepFile, SweepYaml, cancellation);

        await using var runner = await SweepEmbeddedRunner.StartAsync(unitSlots: 2, allowCommandEvaluator: false, LocalRoots.Anywhere, cancellation);
        var run = await runner.RunAsync(sweepFile, File.ReadAllText(sweepFile), "mnist-curves", null, cancellation);

        Assert.Equal(SweepRunState.Succeeded, run.Summary.State);
        Assert.Equal(4, run.Candidates.Count);
        Assert.All(run.Candidates, c => Assert.True(c.State == CandidateState.Done, $"{c.Label}: {c.Error}"));
        var paths = run.Candidates.Select(c => ConnectResults.Document(c.MergeOutput)["paths"]!.AsArray().Single()!).ToList();
        var points = paths.Select(p => p["points"]!.AsArray().Select(q => (Alpha: q!["alpha"]!.GetValue<double>(), Accuracy: q["accuracy"]!.GetValue<double>(), Loss: q["loss"]!.GetValue<double>())).ToList()).ToList();
        var (line, curve, zip, partialZip) = (points[0], points[1], points[2], points[3]);
        Assert.Equal(["linear", "bezier", "zip", "zip"], paths.Select(p => p["curve"]!.GetValue<string>()));
        Assert.Equal(["naive", "naive, bezier", "zipit", "zipit (first 1 of 2 hidden layers)"], paths.Select(p => p["label"]!.GetValue<string>()));

        // Every path starts at mlp-1 and ends at mlp-2 as they are: the same numbers bit for bit ((1−t)²·a + 2t(1−t)·θ
        // + t²·b is a at t = 0), and fusion eval's accuracy and cross-entropy of each model, measured here.
        var evaluator = new AccuracyEvaluator(dataset);
        var first = evaluator.Evaluate(Path.Combine(folder, "mlp-1"), cancellation);
        var second = evaluator.Evaluate(Path.Combine(folder, "mlp-2"), cancellation);
        Assert.All(points, p => Assert.Equal((line[0], line[^1]), (p[0], p[^1])));
        Assert.Equal((first["accuracy"], second["accuracy"]), (line[0].Accuracy, line[^1].Accuracy));
        Assert.Equal(first["cross_entropy"], line[0].Loss, 1e-5);
        Assert.Equal(second["cross_entropy"], line[^1].Loss, 1e-5);

        // The curve: the same α as the line, its midpoint off the line, and a lower loss barrier (what its bend point
        // was trained for, Garipov et al.).
        Assert.Equal(line.Select(p => p.Alpha), curve.Select(p => p.Alpha));
        Assert.NotEqual(line[2].Loss, curve[2].Loss);
        Assert.True(Barrier(curve) < Barrier(line), $"bezier barrier {Barrier(curve)}, linear {Barrier(line)}");

        // A zip is one model, scored at α = 0.5 whatever points: says; the first layer only is another model than all layers.
        Assert.Equal([0.0, 0.5, 1.0], zip.Select(p => p.Alpha));
        Assert.Equal([0.0, 0.5, 1.0], partialZip.Select(p => p.Alpha));
        Assert.NotEqual(zip[1].Loss, partialZip[1].Loss);

        foreach (var candidate in run.Candidates)
        {
            var own = points[candidate.Index];
            Assert.Equal(Barrier(own), candidate.Metrics["loss_barrier"], 12);
            Assert.Equal((own.MinBy(p => Math.Abs(p.Alpha - 0.5)).Accuracy, own.MinBy(p => Math.Abs(p.Alpha - 0.5)).Loss), (candidate.Metrics["midpoint_accuracy"], candidate.Metrics["midpoint_loss"]));
            ConnectResults.AssertPlot(candidate.MergeOutput);
        }

        // fusion connect with the options of the curve and the zips publishes the same connect.json byte for byte at a
        // location of the same name: the sweep passes bezier_epochs, bezier_lr and zip_layers on (their defaults,
        // 5 epochs at 0.01 and every layer, give other points).
        string[][] options =
        [
            [],
            ["--curve", "bezier", "--bezier-epochs", "2", "--bezier-lr", "0.05"],
            ["--align", "zipit", "--save-zipped", Path.Combine(folder, "zipped")],
            ["--align", "zipit", "--zip-layers", "1", "--save-zipped", Path.Combine(folder, "zipped-1")],
        ];
        foreach (var candidate in run.Candidates.Skip(1))
        {
            var cliResult = Path.Combine(folder, "cli", Path.GetFileName(candidate.MergeOutput));
            string[] arguments =
            [
                Path.Combine(folder, "mlp-1"), Path.Combine(folder, "mlp-2"), "--dataset", datasetFile, "--points", "5", "--statistics-samples", "500",
                .. options[candidate.Index], "--publish", cliResult,
            ];
            Assert.Equal(0, await ConnectCommand.Create().Parse(arguments).InvokeAsync(cancellationToken: cancellation));
            Assert.Equal(File.ReadAllBytes(Path.Combine(cliResult, "connect.json")), File.ReadAllBytes(Path.Combine(candidate.MergeOutput, "connect.json")));
        }

        // Each zip's midpoint is the model it zipped, scored by fusion eval on its own.
        foreach (var (zipped, path) in new[] { ("zipped", zip), ("zipped-1", partialZip) })
        {
            var scored = evaluator.Evaluate(Path.Combine(folder, zipped), cancellation);
            Assert.Equal(scored["accuracy"], path[1].Accuracy);
            Assert.Equal(scored["cross_entropy"], path[1].Loss, 1e-5);
        }
    }

    /// <summary>max over α of loss(α) − ((1−α)·loss(0) + α·loss(1)): the loss barrier by its definition.</summary>
    private static double Barrier(List<(double Alpha, double Accuracy, double Loss)> points) =>
        points.Max(p => p.Loss - (((1 - p.Alpha) * points[0].Loss) + (p.Alpha * points[^1].Loss)));
}
