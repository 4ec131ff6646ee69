using FusionCluster.Core.Formats;
using FusionCluster.Language.DataAware;
using FusionCluster.Language.Models;
using FusionCluster.Language.Tests.Support;
using FusionCluster.TestSupport;

namespace FusionCluster.Language.Tests.DataAware;

/// <summary>
/// AdaMerging's coefficients learned part by part from the checkpoints (<see cref="LanguageAdaMerging.LearnStreamedAsync"/>,
/// gradient checkpointing over the embeddings, each block and the head) against the whole loaded models'
/// (<see cref="LanguageAdaMerging.Learn"/>, one autograd graph through the whole llama): the same λ after several Adam
/// steps, with grouped-query attention, a sliding window shorter than the windows and an untied head, and with tied
/// embeddings and qkv biases (qwen2), windows of two lengths.
/// </summary>
public sealed class LanguageAdaMergingStreamingTests : IDisposable
{
    private static readonly TinyDecoderSpec Mistral = new() { ModelType = "mistral", Vocab = 40, Hidden = 16, Ffn = 24, Heads = 4, KvHeads = 2, Layers = 3, SlidingWindow = 5 };

    private static readonly TinyDecoderSpec TiedQwen = new() { ModelType = "qwen2", Vocab = 40, Hidden = 16, Ffn = 24, Heads = 4, KvHeads = 2, Layers = 2, Tied = true };

    private readonly TempDirectory temp = new("fusion-lm-adamerging-stream-");

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Streamed_coefficients_equal_the_whole_models_after_several_steps(bool tied)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var spec = tied ? TiedQwen : Mistral;
        var folders = WriteModels(spec, tied ? "tied" : "untied");
        var windows = Windows(spec);
        const int steps = 6;

        using var working = LanguageModelCheckpoint.Load(folders[0]);
        var tunes = folders.Skip(1).Select(f => LanguageModelCheckpoint.Load(f)).ToList();
        double[,] whole;
        try
        {
            whole = LanguageAdaMerging.Learn(working, tunes, windows, steps, batch: 3, learningRate: 0.05, seed: 11, cancellation);
        }
        finally
        {
            tunes.ForEach(t => t.Dispose());
        }

        using var baseCheckpoint = CheckpointFolder.Open(folders[0]);
        using var tuneA = CheckpointFolder.Open(folders[1]);
        using var tuneB = CheckpointFolder.Open(folders[2]);
        var streamed = await LanguageAdaMerging.LearnStreamedAsync(baseCheckpoint, "base", [(tuneA, "a"), (tuneB, "b")], windows, steps, batch: 3, learningRate: 0.05, seed: 11, cancellation);

        Assert.Equal(2, streamed.GetLength(0));
        Assert.Equal(spec.Layers + 2, streamed.GetLength(1));
        var moved = 0;
        var largest = 0.0;
        for (var i = 0; i < 2; i++)
        {
            for (var g = 0; g < spec.Layers + 2; g++)
            {
                // Adam's first steps move every λ by about the learning rate, so a wrong gradient sign or group shows at 1e-2;
                // the same float32 operations in the same order agree to rounding.
                if (!(Math.Abs(whole[i, g] - streamed[i, g]) <= 1e-6))
                {
                    Assert.Fail($"λ[{i}, {g}]: whole model {whole[i, g]:R}, streamed {streamed[i, g]:R}");
                }

                largest = Math.Max(largest, Math.Abs(whole[i, g] - streamed[i, g]));
                moved += Math.Abs(streamed[i, g] - LanguageAdaMerging.InitialCoefficient) > 1e-3 ? 1 : 0;
            }
        }

        TestContext.Current.SendDiagnosticMessage($"{(tied ? "tied" : "untied")}: largest |λ whole − λ streamed| = {largest:R}");
        Assert.True(moved >= spec.Layers, $"only {moved} λ moved from 0.3: the comparison would not test the gradients");
    }

    [Fact]
    public async Task A_fine_tune_shaped_unlike_the_base_is_refused_naming_it_and_the_tensor()
    {
        var folders = WriteModels(Mistral, "shapes");
        var wide = Mistral with { Ffn = 32 };
        var wideFolder = temp.Combine("shapes-wide");
        TinyCheckpointWriter.Write(wideFolder, wide, TinyCheckpointWriter.RandomWeights(wide, 5, bfloat16: false), bfloat16: false);
        using var baseCheckpoint = CheckpointFolder.Open(folders[0]);
        using var tune = CheckpointFolder.Open(folders[1]);
        using var other = CheckpointFolder.Open(wideFolder);

        var error = await Assert.ThrowsAsync<LanguageModelException>(() => LanguageAdaMerging.LearnStreamedAsync(
            baseCheckpoint, "base", [(tune, "a"), (other, "wide")], [Windows(Mistral)[0], Windows(Mistral)[1]], 1, 1, 0.01, 1, TestContext.Current.CancellationToken));

        Assert.Contains("model 'wide'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'model.layers.0.mlp.gate_proj.weight' is [32, 16], base model 'base' has [24, 16]", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A base and two fine-tunes (base + small noise of their own), bfloat16 storage.</summary>
    private List<string> WriteModels(TinyDecoderSpec spec, string name)
    {
        var based = TinyCheckpointWriter.RandomWeights(spec, 7, bfloat16: true);
        var folders = new List<string> { temp.Combine($"{name}-base") };
        TinyCheckpointWriter.Write(folders[0], spec, based, bfloat16: true);
        foreach (var seed in new[] { 21, 22 })
        {
            var noise = TinyCheckpointWriter.RandomWeights(spec, seed, bfloat16: false);
            var tuned = based.ToDictionary(e => e.Key, e => e.Value.Zip(noise[e.Key], (b, n) => TinyCheckpointWriter.RoundToBFloat16(b + (0.2f * (n - (e.Key.Contains("norm", StringComparison.Ordinal) ? 1f : 0f))))).ToArray());
            folders.Add(temp.Combine($"{name}-{seed}"));
            TinyCheckpointWriter.Write(folders[^1], spec, tuned, bfloat16: true);
        }

        return folders;
    }

    /// <summary>Per fine-tune, five random windows of 12 tokens and one of 9.</summary>
    private static List<IReadOnlyList<int[]>> Windows(TinyDecoderSpec spec)
    {
        var random = new Random(3);
        return [.. Enumerable.Range(0, 2).Select(_ => (IReadOnlyList<int[]>)[.. Enumerable.Range(0, 6).Select(w => Enumerable.Range(0, w == 4 ? 9 : 12).Select(_ => random.Next(spec.Vocab)).ToArray())])];
    }
}
