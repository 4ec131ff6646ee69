using System.Text.Json.Nodes;
using FusionCluster.Language.Models;
using FusionCluster.Language.Tests.Support;

namespace FusionCluster.Language.Tests.Models;

public sealed class LanguageModelConfigTests
{
    [Theory]
    [InlineData("num_attention_heads")]
    [InlineData("hidden_size")]
    [InlineData("intermediate_size")]
    [InlineData("num_hidden_layers")]
    [InlineData("num_key_value_heads")]
    [InlineData("vocab_size")]
    [InlineData("head_dim")]
    [InlineData("max_position_embeddings")]
    public void A_zero_size_is_refused_naming_the_file_and_the_key(string key)
    {
        // num_attention_heads 0 without head_dim divided by zero; the other zeros built a model of empty tensors.
        var json = JsonNode.Parse(new TinyDecoderSpec().ConfigJson())!.AsObject();
        json[key] = JsonNode.Parse("0"); // as read from a file, not a .NET int

        var error = Assert.Throws<LanguageModelException>(() => LanguageModelConfig.FromJson(json, "/m/config.json"));

        Assert.Equal($"/m/config.json: '{key}' must be a positive integer, not 0", error.Message);
    }

    [Fact]
    public void A_zero_rope_theta_is_refused_naming_the_file_and_the_key()
    {
        // θ^(-2i/d) with θ = 0 gives infinite frequencies and NaN logits.
        var json = JsonNode.Parse(new TinyDecoderSpec { RopeTheta = 0 }.ConfigJson())!.AsObject();

        var error = Assert.Throws<LanguageModelException>(() => LanguageModelConfig.FromJson(json, "/m/config.json"));

        Assert.Equal("/m/config.json: 'rope_theta' must be positive, not 0", error.Message);
    }
}
