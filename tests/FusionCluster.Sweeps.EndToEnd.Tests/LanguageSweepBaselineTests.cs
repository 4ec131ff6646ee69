using FusionCluster.Cli.Commands;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Language.Evaluation;
using FusionCluster.Language.Training;
using FusionCluster.TestSupport;

namespace FusionCluster.Sweeps.EndToEnd.Tests;

/// <summary>
/// A perplexity sweep with baselines, end to end through the grains on an embedded silo: two tiny llamas
/// fine-tuned from one base on two real texts of this repository (its README and its architecture notes), a
/// sweep over slerp t, and the inputs and their mean-probs ensemble as baselines. The baselines' values are
/// measured here directly, on the input folders and on an ensemble.json the test writes itself.
/// </summary>
public sealed class LanguageSweepBaselineTests : IDisposable
{
    private const string SweepYaml = """
        name: lm baselines
        template:
          merge_method: slerp
          base_model: ft-readme
          models:
            - model: ft-architecture
          parameters: {t: 0.5}
          dtype: float32
        space:
          grid:
            parameters.t: [0.25, 0.5, 0.75]
        max_concurrent: 2
        evaluator:
          perplexity: {text: held-out.txt, context: 32}
        objective: {metric: perplexity, direction: minimize}
        baselines: [inputs, mean-probs]
        out: sweep-out
        """;

    private readonly TempFolder root = new("fusion-lm-sweep-");

    public void Dispose() => root.Dispose();

    [Fact]
    public async Task The_inputs_and_their_ensemble_are_listed_as_unranked_baselines_with_their_own_perplexities()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var folder = root.Path;
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Find(), "README.md"), cancellation);
        var architecture = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Find(), "docs", "architecture.md"), cancellation);
        var tiny = new LanguageTrainingOptions { Layers = 1, Hidden = 16, Heads = 2, KvHeads = 1, Ffn = 32, Context = 32, Steps = 30, BatchSize = 4, Seed = 1 };
        LanguageModelTrainer.TrainAndSave(readme[..20_000] + architecture[..4_000], tiny, Path.Combine(folder, "base"), cancellation);
        var fineTune = tiny with { BaseCheckpoint = Path.Combine(folder, "base"), Steps = 20, LearningRate = 1e-3 };
        LanguageModelTrainer.TrainAndSave(readme[..20_000], fineTune with { Seed = 2 }, Path.Combine(folder, "ft-readme"), cancellation);
        LanguageModelTrainer.TrainAndSave(architecture[..6_000], fineTune with { Seed = 3 }, Path.Combine(folder, "ft-architecture"), cancellation);
        var heldOut = Path.Combine(folder, "held-out.txt");
        await File.WriteAllTextAsync(heldOut, readme[20_000..22_000] + architecture[6_000..7_000], cancellation);
        var sweepFile = Path.Combine(folder, "sweep.yaml");
        await File.WriteAllTextAsync(sweepFile, SweepYaml, cancellation);

        await using var runner = await SweepEmbeddedRunner.StartAsync(unitSlots: 2, allowCommandEvaluator: false, LocalRoots.Anywhere, cancellation);
        var run = await runner.RunAsync(sweepFile, File.ReadAllText(sweepFile), "lm-baselines", null, cancellation);

        Assert.Equal(SweepRunState.Succeeded, run.Summary.State);
        Assert.All(run.Candidates, c => Assert.True(c.State == CandidateState.Done, $"{c.Label}: {c.Error}"));
        var merges = run.Candidates.Where(c => !c.Baseline).ToList();
        var baselines = run.Candidates.Where(c => c.Baseline).ToList();
        Assert.Equal(3, merges.Count);
        Assert.Equal(["baseline: base model ft-readme", "baseline: input ft-architecture", "baseline: ensemble (mean-probs) of ft-architecture, ft-readme"], baselines.Select(b => b.Label));

        // Ranked: the merges only, best (lowest perplexity) first.
        Assert.Equal(merges.Select(c => c.Index).Order(), run.Leaderboard.Order());
        Assert.Equal(merges.Min(c => c.Objective), run.Candidates[run.Leaderboard[0]].Objective);

        // Each baseline's value is the evaluator's on the folder itself, measured outside the sweep.
        var evaluator = new PerplexityEvaluator(heldOut, context: 32);
        var readmeModel = evaluator.Evaluate(Path.Combine(folder, "ft-readme"), cancellation).Perplexity;
        var architectureModel = evaluator.Evaluate(Path.Combine(folder, "ft-architecture"), cancellation).Perplexity;
        var ensembleFolder = Path.Combine(folder, "my-ensemble");
        EnsembleManifest.Create(ensembleFolder, [Path.Combine(folder, "ft-readme"), Path.Combine(folder, "ft-architecture")], null, EnsembleRule.MeanProbs).Write();
        var ensemble = evaluator.Evaluate(ensembleFolder, cancellation).Perplexity;
        // To a relative 1e-7: torch's multithreaded float32 reductions may order their sums differently between runs.
        Assert.Equal(readmeModel, baselines[0].Objective!.Value, readmeModel * 1e-7);
        Assert.Equal(architectureModel, baselines[1].Objective!.Value, architectureModel * 1e-7);
        Assert.Equal(ensemble, baselines[2].Objective!.Value, ensemble * 1e-7);

        // A mixture of the members' probabilities is never worse than its worse member (concavity of log).
        Assert.True(ensemble <= Math.Max(readmeModel, architectureModel) + 1e-9, $"ensemble {ensemble}, members {readmeModel} and {architectureModel}");
        Assert.Equal(Path.Combine(folder, "sweep-out", "best"), run.PromotedTo);
    }
}
