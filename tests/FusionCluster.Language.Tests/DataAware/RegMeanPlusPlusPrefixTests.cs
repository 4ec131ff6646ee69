using FusionCluster.Core.Methods;
using FusionCluster.Language.DataAware;

namespace FusionCluster.Language.Tests.DataAware;

/// <summary>
/// What a RegMean++ statistics unit of block b reads in place of its model's parameters: the averaged embeddings and
/// blocks before b merged as RegMean's merge units do; its own block, later blocks, the final norm and lm_head stay the model's.
/// </summary>
public sealed class RegMeanPlusPlusPrefixTests
{
    private static readonly float[] Identity = [1, 0, 0, 1];

    private static readonly Dictionary<string, Dictionary<string, float[]>> Weights = new(StringComparer.Ordinal)
    {
        ["a"] = new(StringComparer.Ordinal)
        {
            ["model.embed_tokens.weight"] = [1, 2],
            ["model.layers.0.input_layernorm.weight"] = [1, 1],
            ["model.layers.0.self_attn.q_proj.weight"] = [1, 0, 0, 1],
            ["model.layers.0.self_attn.k_proj.weight"] = [1, 0, 0, 1],
        },
        ["b"] = new(StringComparer.Ordinal)
        {
            ["model.embed_tokens.weight"] = [3, 6],
            ["model.layers.0.input_layernorm.weight"] = [2, 4],
            ["model.layers.0.self_attn.q_proj.weight"] = [3, 2, 0, 1],
            ["model.layers.0.self_attn.k_proj.weight"] = [3, 2, 0, 1],
        },
    };

    [Fact]
    public async Task Embeddings_and_earlier_blocks_are_merged_and_the_rest_is_the_models_own()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var gramsRead = new List<(string Model, int Block)>();
        var prefix = Prefix(1, (model, block) =>
        {
            gramsRead.Add((model, block));
            return new Dictionary<string, TensorSource>(StringComparer.Ordinal) { ["model.layers.0.self_attn.q_proj.weight"] = new ArrayTensorSource(Identity, 2, 2), ["model.layers.0.self_attn.k_proj.weight"] = new ArrayTensorSource(Identity, 2, 2) };
        });

        var embeddings = await prefix.SubstituteAsync("model.embed_tokens.weight", cancellation);
        var norm = await prefix.SubstituteAsync("model.layers.0.input_layernorm.weight", cancellation);
        var query = await prefix.SubstituteAsync("model.layers.0.self_attn.q_proj.weight", cancellation);
        await prefix.SubstituteAsync("model.layers.0.self_attn.k_proj.weight", cancellation);

        Assert.Equal([2f, 4f], embeddings!.ReadAll());
        Assert.Equal([1.5f, 2.5f], norm!.ReadAll());
        // Identity Gram matrices make RegMean the simple average: [[2, 1], [0, 1]].
        Assert.Equal([2, 2], query!.Shape);
        Assert.All(query.ReadAll().Zip([2f, 1f, 0f, 1f]), p => Assert.Equal(p.Second, p.First, 5));
        // Block 0's Gram matrices are read once for both of its weights.
        Assert.Equal([("a", 0), ("b", 0)], gramsRead);
        foreach (var own in new[] { "model.layers.1.self_attn.q_proj.weight", "model.layers.2.mlp.down_proj.weight", "model.norm.weight", "lm_head.weight" })
        {
            Assert.Null(await prefix.SubstituteAsync(own, cancellation));
        }
    }

    [Fact]
    public async Task A_weight_with_a_Gram_matrix_from_only_some_models_is_refused_naming_it()
    {
        var prefix = Prefix(1, (model, _) => model == "a"
            ? new Dictionary<string, TensorSource>(StringComparer.Ordinal) { ["model.layers.0.self_attn.q_proj.weight"] = new ArrayTensorSource(Identity, 2, 2) }
            : new Dictionary<string, TensorSource>(StringComparer.Ordinal));

        var error = await Assert.ThrowsAsync<MergeMethodException>(() => prefix.SubstituteAsync("model.layers.0.self_attn.q_proj.weight", TestContext.Current.CancellationToken).AsTask());

        Assert.Contains("tensor 'model.layers.0.self_attn.q_proj.weight'", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 of 2 models", error.Message, StringComparison.Ordinal);
    }

    private static RegMeanPlusPlusPrefix Prefix(int block, Func<string, int, Dictionary<string, TensorSource>> grams) =>
        new(
            ["a", "b"],
            block,
            RegMeanMergeMethod.DefaultRatio,
            (model, name, _) => Task.FromResult(new ArrayTensorSource(Weights[model][name], Weights[model][name].Length == 4 ? [2, 2] : [1, 2])),
            (model, of, _) => Task.FromResult<IReadOnlyDictionary<string, TensorSource>>(grams(model, of)));
}
