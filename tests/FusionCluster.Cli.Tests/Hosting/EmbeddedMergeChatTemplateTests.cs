using System.Text.Json.Nodes;
using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Hosting;

/// <summary><c>chat_template:</c> end to end: real tokenizer files in, merged tokenizer files out.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class EmbeddedMergeChatTemplateTests(SyntheticModels models)
{
    private const string Zephyr = "{% for m in messages %}<|{{ m.role }}|>\n{{ m.content }}</s>\n{% endfor %}";
    private const string Vicuna = "{% for m in messages %}{{ m.role | upper }}: {{ m.content }}\n{% endfor %}";
    private const string ToolUse = "{% for m in messages %}[TOOLS]{{ m.content }}{% endfor %}";

    private const string Spec = """
        merge_method: linear
        base_model: base
        models:
          - model: base
            parameters:
              weight: 1.0
          - model: ft-1
            parameters:
              weight: 1.0
          - model: ft-2
            parameters:
              weight: 1.0
        dtype: bfloat16
        """;

    [Fact]
    public async Task Auto_gives_the_output_the_template_most_inputs_share()
    {
        using var temp = new TempDirectory();

        // The base (whose tokenizer is copied) disagrees with both fine-tunes, which share Zephyr: one as the
        // text form, one as the list form transformers writes for several named templates.
        var baseConfig = CopyWithTemplate(temp, "base", Vicuna);
        CopyWithTemplate(temp, "ft-1", Zephyr);
        CopyWithTemplate(temp, "ft-2", new JsonArray(
            new JsonObject { ["name"] = "default", ["template"] = Zephyr },
            new JsonObject { ["name"] = "tool_use", ["template"] = ToolUse }));
        var output = temp.Combine("out");

        var status = await Merges.RunAsync(Spec + "\nchat_template: auto\n", temp.Path, output);

        Merges.AssertSucceeded(status);
        var written = ReadTokenizerConfig(output);
        Assert.Equal(Zephyr, written["chat_template"]!.GetValue<string>());
        AssertSameApartFromTemplate(baseConfig, written);
        Assert.Contains(status.Warnings, w => w.Contains("chose the one of 'ft-1', 'ft-2' (2 of 3 models)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_built_in_name_gives_the_output_that_template()
    {
        using var temp = new TempDirectory();
        var baseConfig = CopyWithTemplate(temp, "base", Zephyr);
        CopyWithTemplate(temp, "ft-1", Zephyr);
        CopyWithTemplate(temp, "ft-2", Zephyr);
        var output = temp.Combine("out");

        Merges.AssertSucceeded(await Merges.RunAsync(Spec + "\nchat_template: chatml\n", temp.Path, output));

        var written = ReadTokenizerConfig(output);
        var template = written["chat_template"]!.GetValue<string>();
        Assert.Contains("'<|im_start|>' + message['role'] + '\\n'", template, StringComparison.Ordinal);
        Assert.Contains("<|im_end|>", template, StringComparison.Ordinal);
        Assert.Contains("'<|im_start|>assistant\\n'", template, StringComparison.Ordinal);
        AssertSameApartFromTemplate(baseConfig, written);
        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(models.Folder("base"), "special_tokens_map.json"), TestContext.Current.CancellationToken),
            await File.ReadAllBytesAsync(Path.Combine(output, "special_tokens_map.json"), TestContext.Current.CancellationToken));
    }

    /// <summary>Copies a shared synthetic model and gives its tokenizer_config.json a chat template; returns that config.</summary>
    private JsonObject CopyWithTemplate(TempDirectory temp, string model, JsonNode template)
    {
        var folder = temp.Combine(model);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(models.Folder(model)))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        var configPath = Path.Combine(folder, "tokenizer_config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["chat_template"] = template;
        File.WriteAllText(configPath, config.ToJsonString());
        return config;
    }

    private static JsonObject ReadTokenizerConfig(string output) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(output, "tokenizer_config.json")))!.AsObject();

    private static void AssertSameApartFromTemplate(JsonObject expected, JsonObject actual)
    {
        var left = expected.DeepClone().AsObject();
        var right = actual.DeepClone().AsObject();
        left.Remove("chat_template");
        right.Remove("chat_template");
        Assert.True(JsonNode.DeepEquals(left, right), $"tokenizer_config.json changed beyond chat_template:\n{left.ToJsonString()}\n{right.ToJsonString()}");
    }
}
