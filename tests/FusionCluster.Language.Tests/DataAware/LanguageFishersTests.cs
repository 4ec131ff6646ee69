using FusionCluster.Language.DataAware;
using FusionCluster.Language.Models;
using FusionCluster.Language.Tests.Support;

namespace FusionCluster.Language.Tests.DataAware;

/// <summary>
/// <see cref="LanguageFishers"/> (TorchSharp autograd, float32) against central finite differences of the window
/// log-likelihood on the plain float64 <see cref="ReferenceDecoder"/>, which shares no code with the model.
/// </summary>
public sealed class LanguageFishersTests
{
    private static readonly TinyDecoderSpec Spec = new() { Hidden = 8, Heads = 2, KvHeads = 1, Ffn = 12, Layers = 2, Vocab = 11 };

    // Token 7 appears in no window: its embedding row gets no gradient.
    private static readonly int[][] Windows = [[1, 5, 2, 9, 0, 3], [10, 4, 4, 8, 6, 1], [2, 2, 3, 5]];

    [Fact]
    public void Every_tensors_Fisher_is_the_mean_squared_gradient_of_the_reference_log_likelihood()
    {
        var weights = TinyCheckpointWriter.RandomWeights(Spec, seed: 5, bfloat16: false);
        using var model = Load(weights);

        using var fishers = LanguageFishers.Compute(model, Windows, weights.Keys.ToList(), TestContext.Current.CancellationToken);

        Assert.Equal(weights.Keys.Order(StringComparer.Ordinal), fishers.Names.Order(StringComparer.Ordinal));
        foreach (var (name, values) in weights)
        {
            var actual = fishers[name].data<float>().ToArray();
            Assert.Equal(values.Length, actual.Length);
            for (var i = 0; i < values.Length; i++)
            {
                var expected = Windows.Average(w => Math.Pow(ReferenceGradient(weights, name, i, w), 2));
                if (!(Math.Abs(actual[i] - expected) <= 1e-5 + (2e-3 * expected)))
                {
                    Assert.Fail($"{name}[{i}]: Fisher {actual[i]} vs reference {expected}");
                }
            }
        }
    }

    [Fact]
    public void A_token_absent_from_the_text_has_an_embedding_row_of_zero_Fisher_and_the_models_gradient_flags_come_back()
    {
        var weights = TinyCheckpointWriter.RandomWeights(Spec, seed: 6, bfloat16: false);
        using var model = Load(weights);
        var flags = model.parameters().Select(p => p.requires_grad).ToList();

        using var fishers = LanguageFishers.Compute(model, Windows, ["model.embed_tokens.weight"], TestContext.Current.CancellationToken);

        var embedding = fishers["model.embed_tokens.weight"].data<float>().ToArray();
        for (var token = 0; token < Spec.Vocab; token++)
        {
            var row = embedding.AsSpan(token * Spec.Hidden, Spec.Hidden).ToArray();
            Assert.True(token == 7 ? row.All(v => v == 0) : row.Any(v => v > 0), $"token {token}: [{string.Join(", ", row)}]");
        }

        Assert.Equal(flags, model.parameters().Select(p => p.requires_grad).ToList());
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void An_unknown_tensor_is_named_in_the_error()
    {
        var weights = TinyCheckpointWriter.RandomWeights(Spec, seed: 7, bfloat16: false);
        using var model = Load(weights);

        var error = Assert.Throws<ArgumentException>(() => LanguageFishers.Compute(model, Windows, ["model.nope.weight"], TestContext.Current.CancellationToken));
        Assert.Contains("model.nope.weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_block_units_tensors_are_its_blocks_and_the_last_blocks_also_those_outside_every_block()
    {
        string[] names = ["lm_head.weight", "model.embed_tokens.weight", "model.layers.0.mlp.up_proj.weight", "model.layers.1.input_layernorm.weight",
            "model.layers.1.self_attn.q_proj.weight", "model.layers.10.mlp.down_proj.weight", "model.norm.weight"];

        Assert.Equal(["model.layers.0.mlp.up_proj.weight"], LanguageFishers.BlockTensors(names, 0, 11));
        Assert.Equal(["model.layers.1.input_layernorm.weight", "model.layers.1.self_attn.q_proj.weight"], LanguageFishers.BlockTensors(names, 1, 11));
        Assert.Equal(["lm_head.weight", "model.embed_tokens.weight", "model.layers.10.mlp.down_proj.weight", "model.norm.weight"], LanguageFishers.BlockTensors(names, 10, 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => LanguageFishers.BlockTensors(names, 11, 11));
    }

    /// <summary>The TorchSharp model of <paramref name="weights"/>, through a real checkpoint folder.</summary>
    private static LlamaForCausalLM Load(Dictionary<string, float[]> weights)
    {
        using var directory = new TempDirectory();
        TinyCheckpointWriter.Write(directory.Path, Spec, weights, bfloat16: false);
        return LanguageModelCheckpoint.Load(directory.Path);
    }

    /// <summary>∂/∂w[name][index] of Σ_t log p(w_t | w_&lt;t) by a central difference on the float64 reference.</summary>
    private static double ReferenceGradient(Dictionary<string, float[]> weights, string name, int index, int[] window)
    {
        var values = weights[name];
        var original = values[index];
        values[index] = original + 1e-3f;
        var up = (double)values[index];
        var above = LogLikelihood(weights, window);
        values[index] = original - 1e-3f;
        var down = (double)values[index];
        var below = LogLikelihood(weights, window);
        values[index] = original;
        return (above - below) / (up - down);
    }

    private static double LogLikelihood(Dictionary<string, float[]> weights, int[] window)
    {
        var logits = ReferenceDecoder.Logits(Spec, weights, window);
        return Enumerable.Range(1, window.Length - 1).Sum(t => ReferenceDecoder.LogProbability(logits[t - 1], window[t]));
    }
}
