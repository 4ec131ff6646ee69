using FusionCluster.Core.ChatTemplates;

namespace FusionCluster.Core.Tests.ChatTemplates;

public sealed class ChatTemplateChoiceTests
{
    private const string Zephyr = "{% for m in messages %}<|{{ m.role }}|>\n{{ m.content }}</s>\n{% endfor %}";
    private const string Vicuna = "{% for m in messages %}{{ m.role | upper }}: {{ m.content }}\n{% endfor %}";

    [Theory]
    [InlineData("alpaca")]
    [InlineData("chatml")]
    [InlineData("llama3")]
    [InlineData("mistral")]
    [InlineData("exaone")]
    public void A_built_in_name_gives_its_template(string name)
    {
        var warnings = new List<string>();

        var template = ChatTemplateChoice.Resolve(name, [], warnings);

        Assert.True(BuiltInChatTemplates.TryGet(name, out var expected));
        Assert.Equal(expected, template);
        Assert.Empty(warnings);
    }

    [Fact]
    public void A_literal_template_is_written_as_given_and_no_setting_writes_nothing()
    {
        Assert.Equal(Zephyr, ChatTemplateChoice.Resolve(Zephyr, [], []));
        Assert.Null(ChatTemplateChoice.Resolve(null, [("a", Zephyr)], []));
    }

    [Fact]
    public void Auto_takes_the_template_most_models_share()
    {
        var warnings = new List<string>();

        var template = ChatTemplateChoice.Resolve("auto", [("a", Vicuna), ("b", Zephyr), ("c", null), ("d", Zephyr)], warnings);

        Assert.Equal(Zephyr, template);
        Assert.Equal(["chat_template: auto: the input models have 2 different chat templates; chose the one of 'b', 'd' (2 of 4 models)"], warnings);
    }

    [Fact]
    public void Auto_breaks_a_tie_by_spec_order()
    {
        var warnings = new List<string>();

        Assert.Equal(Vicuna, ChatTemplateChoice.Resolve("auto", [("a", null), ("b", Vicuna), ("c", Zephyr)], warnings));
        Assert.Equal(Zephyr, ChatTemplateChoice.Resolve("auto", [("c", Zephyr), ("b", Vicuna)], warnings));
        Assert.All(warnings, w => Assert.EndsWith("a tie broken by spec order)", w, StringComparison.Ordinal));
    }

    [Fact]
    public void Auto_with_one_shared_template_does_not_warn()
    {
        var warnings = new List<string>();

        Assert.Equal(Zephyr, ChatTemplateChoice.Resolve("auto", [("a", Zephyr), ("b", null), ("c", Zephyr)], warnings));
        Assert.Empty(warnings);
    }

    [Fact]
    public void Auto_without_any_template_keeps_the_tokenizers_and_says_so()
    {
        var warnings = new List<string>();

        Assert.Null(ChatTemplateChoice.Resolve("auto", [("a", null), ("b", null)], warnings));
        Assert.Equal(["chat_template: auto found no chat template in any input model's tokenizer ('a', 'b'); the output keeps the copied tokenizer's as it is"], warnings);
    }

    [Theory]
    [InlineData("auto", true)]
    [InlineData("chatml", true)]
    [InlineData("ChatML", false)]
    [InlineData("zephyr", false)]
    [InlineData("{{ messages }}", false)]
    [InlineData("a long text without any braces", false)]
    [InlineData("{{ messages[0].content }}", true)]
    public void Valid_settings_are_names_or_jinja_of_at_least_20_characters(string setting, bool valid) =>
        Assert.Equal(valid, ChatTemplateChoice.IsValidSetting(setting));
}
