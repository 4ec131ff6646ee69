using FusionCluster.Connectivity.Jobs;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Methods;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Language.DataAware;
using FusionCluster.Language.Models;
using FusionCluster.Language.Tokenization;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// merge_method: fisher of llama checkpoints, each with a text file as its dataset: statistics units (one per model
/// and decoder block) run the model forward and backward on its text on worker silos and stage the diagonal Fishers
/// of the block's parameters (the last block's unit also those of the embeddings, the final norm and lm_head); merge
/// units weigh every parameter by them. Checked against Fishers of the whole model at once and a Fisher merge written
/// here, against hand-checked rows and the identity of merging a model with itself; across topologies and through
/// the statistics cache in <see cref="MergeJobGrainLanguageStatisticsTests"/>.
/// </summary>
public sealed class MergeJobGrainLanguageFisherTests : IClassFixture<TrainedLanguageModelFolder>
{
    private const int Samples = 8;

    private readonly TrainedLanguageModelFolder models;

    public MergeJobGrainLanguageFisherTests(TrainedLanguageModelFolder models) => this.models = models;

    [Fact]
    public async Task Fisher_of_two_llamas_equals_whole_model_Fishers_and_a_Fisher_merge_computed_here()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);

        var status = await models.RunJobAsync(cluster, Spec(("lm-1", "text-a.txt"), ("lm-2", "text-b.txt")), "expected/out", cancellation);

        Assert.True(status.State == JobState.Succeeded, status.Error);
        var (weights1, fishers1) = await WholeModelFishersAsync("lm-1", "text-a.txt", cancellation);
        var (weights2, fishers2) = await WholeModelFishersAsync("lm-2", "text-b.txt", cancellation);
        using var merged = CheckpointFolder.Open(models.PathOf("expected/out"));
        Assert.Equal(weights1.Keys.Order(StringComparer.Ordinal), merged.TensorNames.Order(StringComparer.Ordinal));
        var largest = 0.0;
        foreach (var name in weights1.Keys)
        {
            using var tensor = await merged.OpenTensorAsync(name, cancellation);
            var actual = tensor.ReadAll();
            for (var i = 0; i < actual.Length; i++)
            {
                // Fisher merging by its definition, θ = Σ (F_i + ε) θ_i / Σ (F_i + ε), written out here in float64.
                var w1 = fishers1[name][i] + FisherMergeMethod.DefaultEpsilon;
                var w2 = fishers2[name][i] + FisherMergeMethod.DefaultEpsilon;
                var expected = ((w1 * weights1[name][i]) + (w2 * weights2[name][i])) / (w1 + w2);
                var error = Math.Abs(actual[i] - expected) / Math.Max(1e-3, Math.Abs(expected));
                largest = Math.Max(largest, error);
                if (!(error <= 1e-5))
                {
                    Assert.Fail($"{name}[{i}]: the job's merge {actual[i]} vs {expected} computed here");
                }
            }
        }

        TestContext.Current.SendDiagnosticMessage($"largest relative difference from the whole-model Fisher merge: {largest:E2}");
        var units = await cluster.Client.GetGrain<IMergeJobGrain>(JobRuns.JobId("expected/out")).GetUnits();
        Assert.Equal(
            ["statistics lm-1 block 0", "statistics lm-2 block 0", "statistics lm-1 block 1", "statistics lm-2 block 1"],
            units.Where(u => u.Phase == "statistics").Select(u => u.Name));
    }

    [Fact]
    public async Task Embedding_rows_of_bytes_neither_text_holds_have_equal_zero_Fishers_and_are_the_simple_average()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);

        var status = await models.RunJobAsync(cluster, Spec(("lm-1", "text-a.txt"), ("lm-2", "text-b.txt")), "average/out", cancellation);

        Assert.True(status.State == JobState.Succeeded, status.Error);
        using var first = CheckpointFolder.Open(models.PathOf("lm-1"));
        using var second = CheckpointFolder.Open(models.PathOf("lm-2"));
        using var merged = CheckpointFolder.Open(models.PathOf("average/out"));
        const string embedding = "model.embed_tokens.weight";
        var hidden = (int)first.GetEntry(embedding).Shape[1];
        using var a = await first.OpenTensorAsync(embedding, cancellation);
        using var b = await second.OpenTensorAsync(embedding, cancellation);
        using var m = await merged.OpenTensorAsync(embedding, cancellation);
        var (rowsA, rowsB, rowsMerged) = (a.ReadAll(), b.ReadAll(), m.ReadAll());
        // Tokens neither text holds: no window's gradient reaches their rows, both Fishers are 0 there and the weights ε and ε.
        var vocabulary = rowsA.Length / hidden;
        var absent = Enumerable.Range(0, vocabulary).Except(Tokens("text-a.txt")).Except(Tokens("text-b.txt")).ToList();
        Assert.True(absent.Count > 10, $"only {absent.Count} of {vocabulary} tokens are absent from both texts");
        foreach (var token in absent)
        {
            for (var j = 0; j < hidden; j++)
            {
                var index = (token * hidden) + j;
                var average = (rowsA[index] + (double)rowsB[index]) / 2;
                if (!(Math.Abs(rowsMerged[index] - average) <= 1e-6 * Math.Max(1e-3, Math.Abs(average))))
                {
                    Assert.Fail($"token {token}, column {j}: {rowsMerged[index]} is not the simple average {average}");
                }
            }
        }

        // A byte both texts hold ('e') is weighed by its Fishers, which differ: not the simple average.
        var seen = Encode("e").Single();
        Assert.Contains(seen, Tokens("text-a.txt"));
        Assert.Contains(seen, Tokens("text-b.txt"));
        var offAverage = Enumerable.Range(0, hidden).Count(j =>
        {
            var index = (seen * hidden) + j;
            return Math.Abs(rowsMerged[index] - ((rowsA[index] + (double)rowsB[index]) / 2)) > 1e-4 * Math.Abs(rowsA[index] - rowsB[index]);
        });
        Assert.True(offAverage > hidden / 2, $"only {offAverage} of {hidden} columns of token 'e' moved off the simple average");
    }

    [Fact]
    public async Task Fisher_of_a_llama_with_itself_is_the_llama_bit_for_bit()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);

        // Different texts, so the two copies' Fishers differ: any weighting of equal values is the value.
        var status = await models.RunJobAsync(cluster, Spec(("lm-1", "text-a.txt"), ("lm-1-copy", "text-b.txt")), "itself/out", cancellation);

        Assert.True(status.State == JobState.Succeeded, status.Error);
        var original = await models.ReadTensorsAsync("lm-1", cancellation);
        var merged = await models.ReadTensorsAsync("itself/out", cancellation);
        Assert.Equal(original.Keys.Order(), merged.Keys.Order());
        foreach (var (name, expected) in original)
        {
            Assert.True(expected.AsSpan().SequenceEqual(merged[name]), $"{name}: the Fisher merge of a model with itself differs from it");
        }
    }

    private static string Spec(params (string Model, string Text)[] entries) => TrainedLanguageModelFolder.DatasetSpec("fisher", Samples, entries);

    /// <summary>The byte-level tokenizer's ids of a text file (lm-1's and lm-2's tokenizers are the same).</summary>
    private IReadOnlyList<int> Tokens(string textFile) => Encode(File.ReadAllText(models.PathOf(textFile)));

    private IReadOnlyList<int> Encode(string text)
    {
        using var tokenizer = HfTokenizer.Load(models.PathOf("lm-1"));
        return tokenizer.Encode(text);
    }

    /// <summary>
    /// A model's weights and its Fishers of every tensor in one call (one backward pass per window for the whole model,
    /// where the job's units keep one block's gradients each), on the windows a statistics unit draws from its text.
    /// </summary>
    private async Task<(Dictionary<string, float[]> Weights, Dictionary<string, float[]> Fishers)> WholeModelFishersAsync(string name, string textFile, CancellationToken cancellation)
    {
        var weights = await models.ReadTensorsAsync(name, cancellation);
        using var tokenizer = HfTokenizer.Load(models.PathOf(name));
        var ids = tokenizer.Encode(File.ReadAllText(models.PathOf(textFile)));
        var windows = LanguageJobStatistics.Windows(ids, LanguageModelCheckpoint.ReadConfig(models.PathOf(name)), Samples, name, textFile);
        using var model = LanguageModelCheckpoint.Load(models.PathOf(name));
        using var fishers = LanguageFishers.Compute(model, windows, weights.Keys.ToList(), cancellation);
        return (weights, weights.Keys.ToDictionary(n => n, n => fishers[n].data<float>().ToArray(), StringComparer.Ordinal));
    }
}
