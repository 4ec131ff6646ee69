using FusionCluster.Language.Models;
using FusionCluster.Language.Tests.Support;
using static TorchSharp.torch;

namespace FusionCluster.Language.Tests.Models;

/// <summary>The TorchSharp forward against the plain-C# <see cref="ReferenceDecoder"/> on random tiny checkpoints.</summary>
public sealed class ReferenceForwardTests
{
    public static TheoryData<string> Cases() => new(CaseSpecs.Keys.ToArray());

    private static readonly Dictionary<string, (TinyDecoderSpec Spec, bool BFloat16)> CaseSpecs = new(StringComparer.Ordinal)
    {
        // GQA (2 query heads per kv head) with llama3 rope scaling whose frequencies fall in all three bands.
        ["llama-gqa-llama3"] = (new TinyDecoderSpec { Hidden = 16, Heads = 4, KvHeads = 2, HeadDim = 8, Ffn = 20, RopeScalingJson = """{"rope_type":"llama3","factor":8.0,"low_freq_factor":1.0,"high_freq_factor":4.0,"original_max_position_embeddings":64}""" }, false),
        ["llama-linear-headdim"] = (new TinyDecoderSpec { Hidden = 8, Heads = 2, KvHeads = 1, HeadDim = 6, RopeTheta = 500, RopeScalingJson = """{"rope_type":"linear","factor":2.0}""" }, false),
        ["mistral-sliding-window"] = (new TinyDecoderSpec { ModelType = "mistral", Hidden = 16, Heads = 4, KvHeads = 1, SlidingWindow = 3 }, false),
        ["qwen2-biases-tied-bf16"] = (new TinyDecoderSpec { ModelType = "qwen2", Hidden = 16, Heads = 2, KvHeads = 2, Tied = true, Eps = 1e-6 }, true),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Logits_agree_with_the_reference(string name)
    {
        var (spec, bfloat16) = CaseSpecs[name];
        using var directory = new TempDirectory();
        var weights = TinyCheckpointWriter.RandomWeights(spec, seed: name.Length, bfloat16);
        TinyCheckpointWriter.Write(directory.Path, spec, weights, bfloat16);
        int[][] batch = [[1, 5, 2, 9, 0, 3, 7], [10, 4, 4, 8, 6, 1, 2]];

        using var model = LanguageModelCheckpoint.Load(directory.Path);
        using var input = tensor(batch.SelectMany(s => s).Select(i => (long)i).ToArray(), [2, 7]);
        using var logits = model.Forward(input);
        Assert.Equal([2L, 7, spec.Vocab], logits.shape);
        var actual = logits.data<float>().ToArray();
        for (var b = 0; b < batch.Length; b++)
        {
            var expected = ReferenceDecoder.Logits(spec, weights, batch[b]);
            for (var t = 0; t < 7; t++)
            {
                for (var v = 0; v < spec.Vocab; v++)
                {
                    var value = actual[(((b * 7) + t) * spec.Vocab) + v];
                    Assert.True(Math.Abs(value - expected[t][v]) < 1e-4, $"{name}: batch {b} position {t} token {v}: {value} vs reference {expected[t][v]}");
                }
            }
        }
    }
}
