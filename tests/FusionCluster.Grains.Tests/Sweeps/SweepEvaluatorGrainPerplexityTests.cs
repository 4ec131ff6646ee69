using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Language.Training;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>A sweep's perplexity evaluator runs on the silo with the spec's context, on a real (tiny, byte-level) llama.</summary>
[Collection(OneWorkerSiloCollection.Name)]
public sealed class SweepEvaluatorGrainPerplexityTests(OneWorkerSilo silo) : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("fusion-perplexity-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Perplexity_runs_on_the_silo_in_windows_of_the_requested_context()
    {
        var model = Path.Combine(root, "model");
        LanguageModelTrainer.TrainAndSave(string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog. ", 4)), new LanguageTrainingOptions { Steps = 2, Context = 64, Layers = 1, Hidden = 32, Heads = 2, KvHeads = 1, Ffn = 64 }, model, TestContext.Current.CancellationToken);
        var text = Path.Combine(root, "held-out.txt");
        // 40 bytes are 40 tokens of a byte-level tokenizer: windows of 16, 16 and 8 predict 15 + 15 + 7 tokens.
        await File.WriteAllTextAsync(text, new string('a', 20) + new string('b', 20), TestContext.Current.CancellationToken);
        var evaluator = silo.Client.GetGrain<ISweepEvaluatorGrain>(silo.SiloKey);

        var windowed = await evaluator.Evaluate(new EvaluationRequest { ModelFolder = model, PerplexityText = text, PerplexityContext = 16 });
        var whole = await evaluator.Evaluate(new EvaluationRequest { ModelFolder = model, PerplexityText = text });

        Assert.Null(windowed.Error);
        Assert.Equal(37, windowed.Metrics["tokens"]);
        Assert.Equal(39, whole.Metrics["tokens"]);
        Assert.InRange(windowed.Metrics["perplexity"], 1, 1000);
        Assert.Equal(Math.Exp(windowed.Metrics["nll"]), windowed.Metrics["perplexity"], 1e-9);
    }
}
