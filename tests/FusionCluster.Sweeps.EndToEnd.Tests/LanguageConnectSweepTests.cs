using FusionCluster.Cli.Commands;
using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Language.Evaluation;
using FusionCluster.Language.Training;
using FusionCluster.TestSupport;

namespace FusionCluster.Sweeps.EndToEnd.Tests;

/// <summary>
/// A sweep of kind connect between two tiny llamas trained from different seeds on real text (this repository's
/// architecture notes), through the grains on an embedded silo: naive, weight-matched and activation-matched paths,
/// one of them matched on another real text (<c>match_text</c>, this repository's README). Each point's published
/// connect.json is checked against what follows from the definitions: the endpoints are the two models as the
/// perplexity evaluator scores them, loss is ln(perplexity), and the barriers and midpoint follow from the points.
/// </summary>
public sealed class LanguageConnectSweepTests : IDisposable
{
    private const int Context = 32;

    private const string SweepYaml = """
        name: tiny llama connectivity
        kind: connect
        connect: {a: lm-1, b: lm-2, text: held-out.txt, points: 5, context: 32, statistics_samples: 48, iterations: 20}
        space:
          - grid:
              connect.align: [none, weight_matching, activation_matching]
          - list:
              - {connect.align: activation_matching, connect.match_text: match.txt}
        max_concurrent: 2
        out: sweep-out
        """;

    private readonly TempFolder root = new("fusion-lm-connect-sweep-");

    public void Dispose() => root.Dispose();

    [Fact]
    public async Task Language_connect_points_start_and_end_at_the_models_perplexities_and_their_barriers_follow_from_their_points()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var folder = root.Path;
        var architecture = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Find(), "docs", "architecture.md"), cancellation);
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Find(), "README.md"), cancellation);
        var training = architecture[..8_000];
        var heldOut = Path.Combine(folder, "held-out.txt");
        var match = Path.Combine(folder, "match.txt");
        await File.WriteAllTextAsync(heldOut, architecture[8_000..10_000], cancellation);
        await File.WriteAllTextAsync(match, readme[..3_000], cancellation);
        foreach (var seed in new ulong[] { 1, 2 })
        {
            var options = new LanguageTrainingOptions { Layers = 2, Hidden = 32, Heads = 4, KvHeads = 2, Ffn = 48, Context = Context, Steps = 15, BatchSize = 4, Seed = seed };
            LanguageModelTrainer.TrainAndSave(training, options, Path.Combine(folder, $"lm-{seed}"), cancellation);
        }

        var sweepFile = Path.Combine(folder, "sweep.yaml");
        await File.WriteAllTextAsync(sweepFile, SweepYaml, cancellation);

        await using var runner = await SweepEmbeddedRunner.StartAsync(unitSlots: 2, allowCommandEvaluator: false, LocalRoots.Anywhere, cancellation);
        var run = await runner.RunAsync(sweepFile, File.ReadAllText(sweepFile), "lm-connect", null, cancellation);

        Assert.Equal(SweepRunState.Succeeded, run.Summary.State);
        Assert.True(run.Connect);
        Assert.Equal("loss_barrier", run.ObjectiveMetric);
        Assert.Equal(4, run.Candidates.Count);
        Assert.All(run.Candidates, c => Assert.True(c.State == CandidateState.Done, $"{c.Label}: {c.Error}"));

        // The endpoints measured here, outside the sweep, by the evaluator fusion eval --text runs.
        var evaluator = new PerplexityEvaluator(heldOut, Context);
        var first = evaluator.Evaluate(Path.Combine(folder, "lm-1"), cancellation);
        var second = evaluator.Evaluate(Path.Combine(folder, "lm-2"), cancellation);

        var aligned = new[] { "none", "weight_matching", "activation_matching", "activation_matching" };
        var published = new List<List<(double Alpha, double Perplexity, double Loss)>>();
        var barriers = new Dictionary<int, double>();
        foreach (var candidate in run.Candidates)
        {
            var document = ConnectResults.Document(candidate.MergeOutput);
            Assert.Equal("language", document["kind"]!.GetValue<string>());
            Assert.Equal(heldOut, document["data"]!.GetValue<string>());
            Assert.Equal((Path.Combine(folder, "lm-1"), Path.Combine(folder, "lm-2")), (document["models"]!["a"]!.GetValue<string>(), document["models"]!["b"]!.GetValue<string>()));
            Assert.Null(document["created_at"]);
            ConnectResults.AssertPlot(candidate.MergeOutput);
            var path = document["paths"]!.AsArray().Single()!;
            Assert.Equal(aligned[candidate.Index], path["alignment"]!.GetValue<string>());
            Assert.Equal("linear", path["curve"]!.GetValue<string>());
            var points = path["points"]!.AsArray().Select(p => (Alpha: p!["alpha"]!.GetValue<double>(), Perplexity: p["perplexity"]!.GetValue<double>(), Loss: p["loss"]!.GetValue<double>())).ToList();
            published.Add(points);
            Assert.Equal([0.0, 0.25, 0.5, 0.75, 1.0], points.Select(p => p.Alpha));

            // α = 0 is lm-1 and α = 1 is lm-2 (aligned: a permutation of its units, the same function up to float32
            // summation order), as the evaluator scores each on its own; torch's threaded reductions may order sums
            // differently from run to run, hence relative tolerances.
            Assert.Equal(first.Perplexity, points[0].Perplexity, first.Perplexity * 1e-6);
            Assert.Equal(second.Perplexity, points[^1].Perplexity, second.Perplexity * (candidate.Index == 0 ? 1e-6 : 1e-4));

            // The loss is the mean NLL of the perplexity: perplexity = exp(loss).
            Assert.All(points, p => Assert.Equal(Math.Exp(p.Loss), p.Perplexity, p.Perplexity * 1e-9));

            // The barriers by their definition, from the published points: max over α of f(α) − ((1−α)·f(0) + α·f(1)).
            var lossBarrier = points.Max(p => p.Loss - (((1 - p.Alpha) * points[0].Loss) + (p.Alpha * points[^1].Loss)));
            var perplexityBarrier = points.Max(p => p.Perplexity - (((1 - p.Alpha) * points[0].Perplexity) + (p.Alpha * points[^1].Perplexity)));
            Assert.Equal(lossBarrier, candidate.Metrics["loss_barrier"], 12);
            Assert.Equal(lossBarrier, path["loss_barrier"]!.GetValue<double>(), 12);
            Assert.Equal(perplexityBarrier, candidate.Metrics["perplexity_barrier"], 9);
            Assert.Equal((points[2].Perplexity, points[2].Loss), (candidate.Metrics["midpoint_perplexity"], candidate.Metrics["midpoint_loss"]));
            Assert.Equal(candidate.Objective, candidate.Metrics["loss_barrier"]);
            barriers[candidate.Index] = lossBarrier;
        }

        // Matching on another text measures other activations: another permutation, another path than matching on the scored text.
        Assert.NotEqual(published[2].Select(p => p.Loss), published[3].Select(p => p.Loss));

        // fusion connect --match-text with the same options publishes that point's path.
        var cliResult = Path.Combine(folder, "cli", Path.GetFileName(run.Candidates[3].MergeOutput));
        string[] arguments =
        [
            Path.Combine(folder, "lm-1"), Path.Combine(folder, "lm-2"), "--text", heldOut, "--align", "activation_matching", "--match-text", match,
            "--points", "5", "--context", "32", "--statistics-samples", "48", "--iterations", "20", "--publish", cliResult,
        ];
        Assert.Equal(0, await ConnectCommand.Create().Parse(arguments).InvokeAsync(cancellationToken: cancellation));
        var cliPoints = ConnectResults.Document(cliResult)["paths"]!.AsArray().Single()!["points"]!.AsArray();
        Assert.Equal(published[3].Count, cliPoints.Count);
        foreach (var (point, cli) in published[3].Zip(cliPoints))
        {
            Assert.Equal(cli!["perplexity"]!.GetValue<double>(), point.Perplexity, point.Perplexity * 1e-6);
        }

        // Lowest loss barrier first, ties in point order.
        Assert.Equal(barriers.OrderBy(b => b.Value).ThenBy(b => b.Key).Select(b => b.Key), run.Leaderboard);
    }
}
