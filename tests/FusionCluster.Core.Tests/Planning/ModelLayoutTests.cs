using System.Text.Json.Nodes;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Tests.Planning;

public sealed class ModelLayoutTests
{
    [Fact]
    public void Detects_llama_blocks_and_the_weights_around_them()
    {
        var names = PlanningFixtures.LlamaTensors(layers: 3).Keys;
        var layout = ModelLayout.Detect("a", names, PlanningFixtures.LlamaConfig(3));

        Assert.Equal("llama", layout.Family);
        Assert.Equal("model.layers.", layout.LayerPrefix);
        Assert.Equal(3, layout.LayerCount);
        Assert.Equal(["input_layernorm.weight", "self_attn.q_proj.weight"], layout.LayerSuffixes.Order(StringComparer.Ordinal));
        Assert.Equal(["model.embed_tokens.weight"], layout.PreWeights);
        Assert.Equal(["lm_head.weight", "model.norm.weight"], layout.PostWeights.Order(StringComparer.Ordinal));
        Assert.Equal("model.layers.2.self_attn.q_proj.weight", layout.LayerTensor(2, "self_attn.q_proj.weight"));
        Assert.Equal("model.embed_tokens.weight", layout.TiedEmbedding);
    }

    [Fact]
    public void Detects_gpt2_blocks_and_the_weights_around_them()
    {
        string[] names =
        [
            "transformer.wte.weight",
            "transformer.wpe.weight",
            .. Enumerable.Range(0, 2).SelectMany(i => new[]
            {
                $"transformer.h.{i}.ln_1.weight",
                $"transformer.h.{i}.attn.c_attn.weight",
                $"transformer.h.{i}.attn.c_attn.bias",
            }),
            "transformer.ln_f.weight",
            "transformer.ln_f.bias",
        ];
        var config = new JsonObject { ["model_type"] = "gpt2", ["n_layer"] = 2 };

        var layout = ModelLayout.Detect("g", names, config);

        Assert.Equal("gpt2", layout.Family);
        Assert.Equal("transformer.h.", layout.LayerPrefix);
        Assert.Equal(2, layout.LayerCount);
        Assert.Equal(["attn.c_attn.bias", "attn.c_attn.weight", "ln_1.weight"], layout.LayerSuffixes.Order(StringComparer.Ordinal));
        Assert.Equal(["transformer.wpe.weight", "transformer.wte.weight"], layout.PreWeights.Order(StringComparer.Ordinal));
        Assert.Equal(["transformer.ln_f.bias", "transformer.ln_f.weight"], layout.PostWeights.Order(StringComparer.Ordinal));
        Assert.Equal("transformer.wte.weight", layout.TiedEmbedding);
    }

    [Fact]
    public void Unknown_model_type_is_inferred_from_the_names()
    {
        var layout = ModelLayout.Detect("a", PlanningFixtures.LlamaTensors(2).Keys, new JsonObject { ["model_type"] = "something_new" });
        Assert.Equal("inferred", layout.Family);
        Assert.Equal(2, layout.LayerCount);
    }

    [Fact]
    public void Layer_count_that_disagrees_with_config_is_an_error_naming_the_model()
    {
        var names = PlanningFixtures.LlamaTensors(layers: 4).Keys;
        var e = Assert.Throws<SpecException>(() => ModelLayout.Detect("mismatched", names, PlanningFixtures.LlamaConfig(layers: 3)));
        Assert.Contains("'mismatched'", e.Message, StringComparison.Ordinal);
        Assert.Contains("3", e.Message, StringComparison.Ordinal);
        Assert.Contains("4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_layer_missing_a_tensor_is_an_error_naming_it()
    {
        var names = PlanningFixtures.LlamaTensors(layers: 3).Keys.Where(n => n != "model.layers.1.input_layernorm.weight").ToList();
        var e = Assert.Throws<SpecException>(() => ModelLayout.Detect("holey", names, null));
        Assert.Contains("'holey'", e.Message, StringComparison.Ordinal);
        Assert.Contains("model.layers.1.input_layernorm.weight", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_without_numbered_blocks_has_zero_layers()
    {
        var layout = ModelLayout.Detect("mlp", ["fc2.weight", "fc1.weight"], null);
        Assert.Equal(0, layout.LayerCount);
        Assert.Equal(["fc1.weight", "fc2.weight"], layout.PreWeights);
        Assert.Empty(layout.PostWeights);
    }

    [Theory]
    [InlineData("model.embed_tokens.weight", true)]
    [InlineData("lm_head.weight", true)]
    [InlineData("transformer.wte.weight", true)]
    [InlineData("model.norm.weight", false)]
    [InlineData("model.layers.0.self_attn.q_proj.weight", false)]
    [InlineData("model.embed_tokens.bias", false)]
    public void Embedding_classification(string name, bool expected) =>
        Assert.Equal(expected, ModelLayout.IsEmbedding(name));
}
