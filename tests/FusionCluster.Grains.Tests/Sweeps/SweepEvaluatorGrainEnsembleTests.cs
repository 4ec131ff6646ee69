using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Language.Training;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>A sweep's perplexity evaluator accepts an ensemble folder where it accepts a model, on the silo.</summary>
[Collection(OneWorkerSiloCollection.Name)]
public sealed class SweepEvaluatorGrainEnsembleTests(OneWorkerSilo silo) : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("fusion-ensemble-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task An_ensembles_perplexity_on_the_silo_is_at_most_its_worse_members()
    {
        var text = string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog. ", 4));
        var options = new LanguageTrainingOptions { Steps = 3, Context = 16, Layers = 1, Hidden = 16, Heads = 2, KvHeads = 1, Ffn = 32 };
        var a = Path.Combine(root, "a");
        var b = Path.Combine(root, "b");
        LanguageModelTrainer.TrainAndSave(text, options, a, TestContext.Current.CancellationToken);
        LanguageModelTrainer.TrainAndSave(text, options with { Seed = 2 }, b, TestContext.Current.CancellationToken);
        EnsembleManifest.Create(Path.Combine(root, "ens"), [a, b], null, EnsembleRule.MeanProbs).Write();
        var heldOut = Path.Combine(root, "held-out.txt");
        await File.WriteAllTextAsync(heldOut, "a lazy fox jumps over the quick dog.", TestContext.Current.CancellationToken);
        var evaluator = silo.Client.GetGrain<ISweepEvaluatorGrain>(silo.SiloKey);

        var first = await evaluator.Evaluate(new EvaluationRequest { ModelFolder = a, PerplexityText = heldOut });
        var second = await evaluator.Evaluate(new EvaluationRequest { ModelFolder = b, PerplexityText = heldOut });
        var ensemble = await evaluator.Evaluate(new EvaluationRequest { ModelFolder = Path.Combine(root, "ens"), PerplexityText = heldOut });

        Assert.Null(ensemble.Error);
        Assert.Equal(first.Metrics["tokens"], ensemble.Metrics["tokens"]);
        // -log(p/2 + q/2) ≤ (-log p - log q) / 2 per token: the mixture is no worse than the members' mean.
        Assert.True(ensemble.Metrics["nll"] <= ((first.Metrics["nll"] + second.Metrics["nll"]) / 2) + 1e-9);
        Assert.True(ensemble.Metrics["tokens_per_second"] > 0);
    }
}
