using System.Text;
using System.Text.Json.Nodes;
using FusionCluster.Core.ChatTemplates;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tests.ChatTemplates;
using static FusionCluster.Core.Tests.ChatTemplates.ChatTemplateCheckpoints;

namespace FusionCluster.Core.Tests.Execution;

/// <summary>From real checkpoint folders through the catalog and planner to the tokenizer files a merge publishes.</summary>
public sealed class ChatTemplateArtifactsTests : IDisposable
{
    private const string Zephyr = "{% for m in messages %}<|{{ m.role }}|>\n{{ m.content }}</s>\n{% endfor %}";
    private const string Vicuna = "{% for m in messages %}{{ m.role | upper }}: {{ m.content }}\n{% endfor %}";
    private const string ToolUse = "{% for m in messages %}[TOOLS]{{ m.content }}{% endfor %}";

    private const string LinearOfThree = """
        merge_method: linear
        models:
          - model: a
            parameters: {weight: 1}
          - model: b
            parameters: {weight: 1}
          - model: c
            parameters: {weight: 1}
        """;

    private readonly TempDirectory temp = new("fusion-chat-artifacts-");
    private readonly FolderArtifacts artifacts = new();

    [Fact]
    public async Task Auto_writes_the_template_most_inputs_share_over_the_base_tokenizers()
    {
        // a (whose tokenizer is copied) has Vicuna; b has Zephyr in the list form, c in chat_template.jinja.
        var tokenizerConfig = TokenizerConfig(Vicuna);
        Write(temp.Combine("a"), tokenizerConfig);
        Write(temp.Combine("b"), TokenizerConfig(NamedTemplates(("tool_use", ToolUse), ("default", Zephyr))), variant: 1);
        Write(temp.Combine("c"), TokenizerConfig(null), jinjaFile: Zephyr + "\n", variant: 2);

        var (plan, files) = await MergeAsync(LinearOfThree + "\nchat_template: auto\n");

        Assert.Equal(Zephyr, plan.ChatTemplate);
        var written = Config(files);
        Assert.Equal(Zephyr, written["chat_template"]!.GetValue<string>());
        TokenizerChatTemplateTests.AssertSameApartFromTemplate(tokenizerConfig, written);
        Assert.DoesNotContain(files, f => f.Name == "chat_template.jinja");
        Assert.Contains(plan.Warnings, w => w.Contains("chose the one of 'b', 'c' (2 of 3 models)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Auto_without_any_template_keeps_the_tokenizer_files_byte_for_byte()
    {
        foreach (var (name, variant) in new[] { ("a", 0), ("b", 1), ("c", 2) })
        {
            Write(temp.Combine(name), TokenizerConfig(null), variant: variant);
        }

        var (plan, files) = await MergeAsync(LinearOfThree + "\nchat_template: auto\n");

        Assert.Null(plan.ChatTemplate);
        Assert.Contains(plan.Warnings, w => w.StartsWith("chat_template: auto found no chat template", StringComparison.Ordinal));
        Assert.Equal(File.ReadAllBytes(temp.Combine("a", "tokenizer_config.json")), files.Single(f => f.Name == "tokenizer_config.json").Content);
    }

    [Fact]
    public async Task A_built_in_name_replaces_the_config_template_and_the_jinja_file()
    {
        var tokenizerConfig = TokenizerConfig(NamedTemplates(("default", Zephyr), ("tool_use", ToolUse)));
        Write(temp.Combine("a"), tokenizerConfig, jinjaFile: Zephyr);
        Write(temp.Combine("b"), TokenizerConfig(Vicuna), variant: 1);
        Write(temp.Combine("c"), TokenizerConfig(Vicuna), variant: 2);

        var (_, files) = await MergeAsync(LinearOfThree + "\nchat_template: chatml\n");

        var written = Config(files);
        Assert.Equal(BuiltInChatTemplates.ChatMl, written["chat_template"]!.GetValue<string>());
        TokenizerChatTemplateTests.AssertSameApartFromTemplate(tokenizerConfig, written);
        Assert.Equal(BuiltInChatTemplates.ChatMl, Encoding.UTF8.GetString(files.Single(f => f.Name == "chat_template.jinja").Content));
        Assert.Equal(File.ReadAllBytes(temp.Combine("a", "special_tokens_map.json")), files.Single(f => f.Name == "special_tokens_map.json").Content);
    }

    [Fact]
    public async Task Auto_with_a_broken_tokenizer_config_names_the_model_and_file_before_merging()
    {
        Write(temp.Combine("a"), TokenizerConfig(Zephyr));
        Write(temp.Combine("b"), TokenizerConfig(Zephyr), variant: 1);
        Write(temp.Combine("c"), TokenizerConfig(Zephyr), variant: 2);
        File.WriteAllText(temp.Combine("c", "tokenizer_config.json"), "{ not json");

        var e = await Assert.ThrowsAsync<SpecException>(() => MergeAsync(LinearOfThree + "\nchat_template: auto\n"));

        Assert.StartsWith("chat_template: auto reads every input model's chat template, and model 'c' has a broken one: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("tokenizer_config.json: not valid JSON", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        artifacts.Dispose();
        temp.Dispose();
    }

    private static JsonObject Config(IReadOnlyList<PublishedFile> files) =>
        JsonNode.Parse(files.Single(f => f.Name == "tokenizer_config.json").Content)!.AsObject();

    private Task<(MergePlan Plan, IReadOnlyList<PublishedFile> Files)> MergeAsync(string yaml) => artifacts.BuildAsync(yaml, temp.Path);
}
