using System.Globalization;
using FusionCluster.Cli.Commands;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Evaluation.Training;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.TestSupport;

namespace FusionCluster.Sweeps.EndToEnd.Tests;

/// <summary>
/// A real sweep on real data, end to end through the grains on an embedded silo: one MLP trained on all
/// MNIST digits, three copies fine-tuned on disjoint digit classes, a sweep over task-arithmetic λ and
/// TIES density, every merge evaluated on the held-out digits of all classes. Expectations come from
/// outside the sweep: the fine-tunes' accuracies measured here directly, and the promoted model re-evaluated.
/// </summary>
public sealed class MnistSweepTests : IDisposable
{
    private const string SweepYaml = """
        name: mnist merges
        template:
          merge_method: task_arithmetic
          base_model: base
          models:
            - model: ft-1
              parameters: {weight: 0.5}
            - model: ft-2
              parameters: {weight: 0.5}
            - model: ft-3
              parameters: {weight: 0.5}
          dtype: float32
        space:
          - grid:
              models[*].parameters.weight: [0.3, 0.5, 0.7, 1.0]
          - grid:
              merge_method: [ties]
              models[*].parameters.weight: [1.0]
              models[*].parameters.density: [0.2, 0.5, 0.8]
              parameters.normalize: [true]
        max_concurrent: 2
        evaluator:
          accuracy: {dataset: digits.fcds, split: held-out}
        objective: {metric: accuracy, direction: maximize}
        promote: {best: true, keep_runs: 2}
        out: sweep-out
        """;

    private readonly TempFolder root = new("fusion-sweep-e2e-");

    public void Dispose() => root.Dispose();

    [Fact]
    public async Task Sweep_of_task_arithmetic_and_ties_beats_the_fine_tunes_is_deterministic_and_reuses_its_merges()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var folder = root.Path;
        var dataset = MnistPackageConverter.Convert(LocalTools.MnistPackageDirectory);
        ImageDatasetFile.Write(Path.Combine(folder, "digits.fcds"), dataset);
        ClassifierTrainer.TrainAndSave(dataset, new TrainingOptions { MaxSamples = 2000, Epochs = 1, Seed = 1 }, Path.Combine(folder, "base"), cancellation);
        FineTune(dataset, folder, "ft-1", [0, 1, 2, 3], seed: 11);
        FineTune(dataset, folder, "ft-2", [4, 5, 6], seed: 12);
        FineTune(dataset, folder, "ft-3", [7, 8, 9], seed: 13);
        var sweepFile = Path.Combine(folder, "sweep.yaml");
        await File.WriteAllTextAsync(sweepFile, SweepYaml, cancellation);

        // Measured directly, not through the sweep.
        var accuracy = new AccuracyEvaluator(dataset);
        var fineTunes = new[] { "ft-1", "ft-2", "ft-3" }.Select(m => accuracy.Evaluate(Path.Combine(folder, m), cancellation)["accuracy"]).ToList();
        var meanOfFineTunes = fineTunes.Average();

        await using var runner = await SweepEmbeddedRunner.StartAsync(unitSlots: 2, allowCommandEvaluator: false, LocalRoots.Anywhere, cancellation);
        var first = await runner.RunAsync(sweepFile, File.ReadAllText(sweepFile), "mnist", null, cancellation);

        Assert.Equal(SweepRunState.Succeeded, first.Summary.State);
        Assert.Equal(7, first.Candidates.Count);
        Assert.All(first.Candidates, c => Assert.True(c.State == CandidateState.Done, $"{c.Label}: {c.Error}"));
        Assert.All(first.Candidates, c => Assert.False(c.Cached, $"{c.Label} was reused before anything was merged"));
        Assert.Equal(7, first.Candidates.Select(c => c.CacheKey).Distinct().Count());
        Assert.Equal(7, first.Leaderboard.Count);
        var objectives = first.Leaderboard.Select(i => first.Candidates[i].Objective!.Value).ToList();
        Assert.Equal(objectives.OrderByDescending(v => v).ToList(), objectives);
        var best = first.Candidates[first.Leaderboard[0]];
        Assert.True(best.Objective > meanOfFineTunes, $"best merge {best.Label} scores {best.Objective}, the fine-tunes {meanOfFineTunes} on average");

        // Every metric is what the evaluator gives on that merge's folder, and best/ holds the best merge.
        foreach (var candidate in first.Candidates)
        {
            Assert.Equal(accuracy.Evaluate(candidate.MergeOutput, cancellation)["accuracy"], candidate.Objective);
        }

        var promoted = Path.Combine(folder, "sweep-out", "best");
        Assert.Equal(first.PromotedTo, promoted);
        Assert.Equal(best.Objective, accuracy.Evaluate(promoted, cancellation)["accuracy"]);
        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(best.MergeOutput, "model.safetensors"), cancellation),
            await File.ReadAllBytesAsync(Path.Combine(promoted, "model.safetensors"), cancellation));
        Assert.True(File.Exists(Path.Combine(folder, "sweep-out", "runs", "run-000001.json")));

        // The same sweep again: nothing is merged again, and the leaderboard is the same.
        var second = await runner.RunAsync(sweepFile, File.ReadAllText(sweepFile), "mnist", null, cancellation);
        Assert.Equal(SweepRunState.Succeeded, second.Summary.State);
        Assert.All(second.Candidates, c => Assert.True(c.Cached && c.JobId.Length == 0, $"{c.Label} was merged again"));
        Assert.Equal(first.Leaderboard, second.Leaderboard);
        Assert.Equal(first.Candidates.Select(c => (c.CacheKey, c.Objective)), second.Candidates.Select(c => (c.CacheKey, c.Objective)));

        // A fine-tune retrained in place is a new input: every merge that uses it is computed again.
        FineTune(dataset, folder, "ft-3", [7, 8, 9], seed: 14);
        var third = await runner.RunAsync(sweepFile, File.ReadAllText(sweepFile), "mnist", null, cancellation);
        Assert.Equal(SweepRunState.Succeeded, third.Summary.State);
        Assert.All(third.Candidates, c => Assert.False(c.Cached, $"{c.Label} reused a merge of the old ft-3"));
        Assert.Empty(third.Candidates.Select(c => c.CacheKey).Intersect(first.Candidates.Select(c => c.CacheKey)));

        // keep_runs 2: runs 2 and 3 are kept, with their merges (run 2 shares run 1's).
        var merges = Directory.GetDirectories(Path.Combine(folder, "sweep-out", "merges"));
        Assert.Equal(14, merges.Length);
        Assert.False(File.Exists(Path.Combine(folder, "sweep-out", "runs", "run-000001.json")));

        // A new process (a silo whose state starts empty, as every `fusion sweep run` on one machine) continues the
        // sweep's history from its output: run 4, not a second run 1 replacing run 1's record; keep_runs 2 keeps runs 3
        // and 4, which share their merges, so run 2's seven that only it used go.
        await using (var again = await SweepEmbeddedRunner.StartAsync(unitSlots: 2, allowCommandEvaluator: false, LocalRoots.Anywhere, cancellation))
        {
            var fourth = await again.RunAsync(sweepFile, File.ReadAllText(sweepFile), "mnist", null, cancellation);
            Assert.Equal((4, SweepRunState.Succeeded), (fourth.Summary.Number, fourth.Summary.State));
            Assert.All(fourth.Candidates, c => Assert.True(c.Cached, $"{c.Label} was merged again"));
        }

        Assert.Equal(
            ["run-000003.json", "run-000004.json"],
            Directory.EnumerateFiles(Path.Combine(folder, "sweep-out", "runs")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(7, Directory.GetDirectories(Path.Combine(folder, "sweep-out", "merges")).Length);

        var table = string.Join("\n", first.Leaderboard.Select(i => first.Candidates[i]).Select(c =>
            string.Create(CultureInfo.InvariantCulture, $"{c.Objective:0.0000}  merge {c.MergeSeconds:0.00}s  eval {c.EvaluationSeconds:0.00}s  {c.Label}")));
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"fine-tunes {string.Join(" ", fineTunes.Select(a => a.ToString("0.0000", CultureInfo.InvariantCulture)))}, mean {meanOfFineTunes:0.0000}\n{table}"));
    }

    private static void FineTune(ImageDataset dataset, string folder, string name, int[] classes, ulong seed) =>
        ClassifierTrainer.TrainAndSave(
            dataset,
            new TrainingOptions { BaseCheckpoint = Path.Combine(folder, "base"), Classes = classes, MaxSamples = 1000, Seed = seed },
            Path.Combine(folder, name));
}
