using FusionCluster.Core.Formats;
using FusionCluster.Language.DataAware;
using FusionCluster.Language.Models;
using FusionCluster.Language.Tests.Support;
using FusionCluster.TestSupport;
using static TorchSharp.torch;

namespace FusionCluster.Language.Tests.DataAware;

/// <summary>
/// RegMean's statistics read block by block (<see cref="LanguageGrams.ComputeStreamedAsync"/>, one part of the model
/// in memory at a time) against the whole loaded model's (<see cref="LanguageGrams.Compute"/>): the same Gram matrices
/// bit for bit, for every block, with grouped-query attention, a sliding window shorter than the windows, an untied
/// lm_head (the last block's unit also has its matrix), bfloat16 storage and a last batch of shorter windows.
/// </summary>
public sealed class LanguageGramsStreamingTests : IDisposable
{
    private static readonly TinyDecoderSpec Untied = new() { ModelType = "mistral", Vocab = 40, Hidden = 16, Ffn = 24, Heads = 4, KvHeads = 2, Layers = 3, SlidingWindow = 5 };

    private readonly TempDirectory temp = new("fusion-lm-grams-stream-");

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Streamed_Gram_matrices_equal_the_whole_models_bit_for_bit_for_every_block(bool tied)
    {
        var spec = Untied with { Tied = tied };
        var folder = temp.Combine(tied ? "tied" : "untied");
        TinyCheckpointWriter.Write(folder, spec, TinyCheckpointWriter.RandomWeights(spec, 7, bfloat16: true), bfloat16: true);
        // 19 windows: batches of 8, 8 and 3, the last batch cut to its shortest window (9 tokens).
        var random = new Random(3);
        var windows = Enumerable.Range(0, 19).Select(w => Enumerable.Range(0, w == 17 ? 9 : 12).Select(_ => random.Next(spec.Vocab)).ToArray()).ToList();
        using var model = LanguageModelCheckpoint.Load(folder);
        using var checkpoint = CheckpointFolder.Open(folder);
        var names = checkpoint.TensorNames.ToList();

        for (var block = 0; block < spec.Layers; block++)
        {
            using var whole = LanguageGrams.Compute(model, windows, block, names, TestContext.Current.CancellationToken);
            using var streamed = await LanguageGrams.ComputeStreamedAsync(checkpoint, "m", windows, block, names, TestContext.Current.CancellationToken);

            // q/k/v share one matrix, gate/up another; o_proj and down_proj their own; the last block's unit lm_head's when untied.
            var expected = 7 + (block == spec.Layers - 1 && !tied ? 1 : 0);
            Assert.Equal(expected, whole.Entries.Count());
            Assert.Equal(whole.Entries.Select(e => e.Name), streamed.Entries.Select(e => e.Name));
            foreach (var (entry, other) in whole.Entries.Zip(streamed.Entries))
            {
                Assert.Equal(Bits(entry.Value), Bits(other.Value));
            }
        }

        Assert.Equal(LanguageGrams.Fingerprint(model), await LanguageGrams.FingerprintAsync(checkpoint, "m", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_checkpoint_missing_a_tensor_is_refused_by_name_before_any_block_runs()
    {
        var folder = temp.Combine("missing");
        var weights = TinyCheckpointWriter.RandomWeights(Untied, 8, bfloat16: false);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), Untied.ConfigJson());
        TinyCheckpointWriter.WriteSafetensors(Path.Combine(folder, "model.safetensors"), [.. Untied.Tensors().Where(t => t.Name != "model.layers.2.mlp.up_proj.weight")], weights, bfloat16: false);
        using var checkpoint = CheckpointFolder.Open(folder);
        using var ids = tensor(new long[] { 1, 2, 3, 4 }, [1, 4]);

        var error = await Assert.ThrowsAsync<LanguageModelException>(() => LlamaBlockStream.StartAsync(checkpoint, "broken", [ids], TestContext.Current.CancellationToken));

        Assert.Contains("'model.layers.2.mlp.up_proj.weight'", error.Message, StringComparison.Ordinal);
        Assert.Contains("model 'broken'", error.Message, StringComparison.Ordinal);
    }

    private static uint[] Bits(Tensor values)
    {
        using var contiguous = values.contiguous();
        return [.. contiguous.data<float>().ToArray().Select(BitConverter.SingleToUInt32Bits)];
    }
}
