using System.Text;
using System.Text.Json.Nodes;
using FusionCluster.Core.ChatTemplates;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using static FusionCluster.Core.Tests.ChatTemplates.ChatTemplateCheckpoints;

namespace FusionCluster.Core.Tests.ChatTemplates;

public sealed class TokenizerChatTemplateTests : IDisposable
{
    private const string Zephyr = "{% for m in messages %}<|{{ m.role }}|>\n{{ m.content }}</s>\n{% endfor %}";
    private const string ToolUse = "{% for m in messages %}[TOOLS]{{ m.content }}{% endfor %}";

    private readonly TempDirectory temp = new("fusion-chat-templates-");

    [Fact]
    public async Task The_text_form_is_read_trimmed()
    {
        using var model = Open(TokenizerConfig($"  {Zephyr}\n"));

        Assert.Equal(Zephyr, await TokenizerChatTemplate.ReadAsync(model, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_list_form_gives_its_default_entry()
    {
        using var model = Open(TokenizerConfig(NamedTemplates(("tool_use", ToolUse), ("default", Zephyr))));

        Assert.Equal(Zephyr, await TokenizerChatTemplate.ReadAsync(model, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_list_without_a_default_entry_is_no_template()
    {
        using var model = Open(TokenizerConfig(NamedTemplates(("tool_use", ToolUse))));

        Assert.Null(await TokenizerChatTemplate.ReadAsync(model, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task No_field_no_config_or_an_empty_template_is_no_template()
    {
        using var withoutField = Open(TokenizerConfig(null), name: "no-field");
        using var withoutConfig = Open(null, name: "no-config");
        using var blank = Open(TokenizerConfig("  "), name: "blank");

        Assert.Null(await TokenizerChatTemplate.ReadAsync(withoutField, TestContext.Current.CancellationToken));
        Assert.Null(await TokenizerChatTemplate.ReadAsync(withoutConfig, TestContext.Current.CancellationToken));
        Assert.Null(await TokenizerChatTemplate.ReadAsync(blank, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Chat_template_jinja_wins_over_the_config_as_in_transformers()
    {
        using var model = Open(TokenizerConfig(ToolUse), jinja: Zephyr + "\n");

        Assert.Equal(Zephyr, await TokenizerChatTemplate.ReadAsync(model, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_malformed_config_names_the_file()
    {
        var folder = Write(temp.Combine("broken"), TokenizerConfig(Zephyr));
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), "{\"chat_template\": ");
        using var model = CheckpointFolder.Open(folder);

        var e = await Assert.ThrowsAsync<CheckpointException>(() => TokenizerChatTemplate.ReadAsync(model, TestContext.Current.CancellationToken));

        Assert.StartsWith($"{folder}/tokenizer_config.json: not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chat_template_of_the_wrong_shape_names_the_file_and_key()
    {
        var number = Assert.Throws<CheckpointException>(() => TokenizerChatTemplate.FromConfigValue(JsonValue.Create(3), "m/tokenizer_config.json"));
        var entry = Assert.Throws<CheckpointException>(() => TokenizerChatTemplate.FromConfigValue(new JsonArray("chatml"), "m/tokenizer_config.json"));

        Assert.Equal("m/tokenizer_config.json: chat_template: expected the template text or a list of {name, template}, got number", number.Message);
        Assert.StartsWith("m/tokenizer_config.json: chat_template: every entry of the list must be {\"name\": ..., \"template\": ...}", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_replaces_only_the_template_and_keeps_the_file_order()
    {
        var original = TokenizerConfig(NamedTemplates(("default", Zephyr), ("tool_use", ToolUse)));
        List<PublishedFile> files =
        [
            new("tokenizer.json", "{}"u8.ToArray()),
            new("tokenizer_config.json", Encoding.UTF8.GetBytes(original.ToJsonString())),
            new("special_tokens_map.json", "{}"u8.ToArray()),
        ];

        TokenizerChatTemplate.WriteInto(files, BuiltInChatTemplates.ChatMl, "/models/a");

        Assert.Equal(["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"], files.Select(f => f.Name));
        var written = JsonNode.Parse(files[1].Content)!.AsObject();
        Assert.Equal(BuiltInChatTemplates.ChatMl, written["chat_template"]!.GetValue<string>());
        AssertSameApartFromTemplate(original, written);

        // Written as Hugging Face does, without escaping the template's angle brackets.
        Assert.Contains("<|im_start|>", Encoding.UTF8.GetString(files[1].Content), StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_updates_chat_template_jinja_when_the_tokenizer_has_one()
    {
        List<PublishedFile> files =
        [
            new("tokenizer_config.json", Encoding.UTF8.GetBytes(TokenizerConfig(null).ToJsonString())),
            new("chat_template.jinja", Encoding.UTF8.GetBytes(Zephyr)),
        ];

        TokenizerChatTemplate.WriteInto(files, BuiltInChatTemplates.Llama3, "/models/a");

        Assert.Equal(BuiltInChatTemplates.Llama3, Encoding.UTF8.GetString(files.Single(f => f.Name == "chat_template.jinja").Content));
        Assert.Equal(BuiltInChatTemplates.Llama3, JsonNode.Parse(files.Single(f => f.Name == "tokenizer_config.json").Content)!["chat_template"]!.GetValue<string>());
    }

    [Fact]
    public void Writing_without_a_tokenizer_config_creates_one_and_no_jinja_file()
    {
        List<PublishedFile> files = [new("tokenizer.json", "{}"u8.ToArray())];

        TokenizerChatTemplate.WriteInto(files, BuiltInChatTemplates.Alpaca, "/models/a");

        Assert.Equal(["tokenizer.json", "tokenizer_config.json"], files.Select(f => f.Name));
        Assert.Equal(BuiltInChatTemplates.Alpaca, JsonNode.Parse(files[1].Content)!["chat_template"]!.GetValue<string>());
    }

    [Fact]
    public void Writing_into_a_config_that_is_not_an_object_names_the_source()
    {
        List<PublishedFile> files = [new("tokenizer_config.json", "[1, 2]"u8.ToArray())];

        var e = Assert.Throws<CheckpointException>(() => TokenizerChatTemplate.WriteInto(files, BuiltInChatTemplates.ChatMl, "/models/a"));

        Assert.Equal("/models/a/tokenizer_config.json: expected a JSON object at the top level", e.Message);
    }

    public void Dispose() => temp.Dispose();

    /// <summary>Both configs are equal once their chat_template fields are set aside.</summary>
    internal static void AssertSameApartFromTemplate(JsonObject expected, JsonObject actual)
    {
        var left = expected.DeepClone().AsObject();
        var right = actual.DeepClone().AsObject();
        left.Remove("chat_template");
        right.Remove("chat_template");
        Assert.True(JsonNode.DeepEquals(left, right), $"tokenizer_config.json changed beyond chat_template:\n{left.ToJsonString()}\n{right.ToJsonString()}");
    }

    private CheckpointFolder Open(JsonObject? tokenizerConfig, string? jinja = null, string name = "model") =>
        CheckpointFolder.Open(Write(temp.Combine(name), tokenizerConfig, jinja));
}
