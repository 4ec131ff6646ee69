using FusionCluster.Core.ChatTemplates;

namespace FusionCluster.Core.Tests.ChatTemplates;

public sealed class BuiltInChatTemplatesTests
{
    [Theory]
    [InlineData("alpaca", new[] { "### Instruction:\\n", "### Response:\\n" })]
    [InlineData("chatml", new[] { "<|im_start|>", "<|im_end|>", "'<|im_start|>assistant\\n'" })]
    [InlineData("llama3", new[] { "<|start_header_id|>", "<|end_header_id|>\\n\\n", "<|eot_id|>", "bos_token" })]
    [InlineData("mistral", new[] { "[INST] ", " [/INST]", "eos_token" })]
    [InlineData("exaone", new[] { "[|system|]", "[|endofturn|]", "'[|assistant|]'" })]
    public void Each_name_has_its_formats_markers(string name, string[] markers)
    {
        Assert.True(BuiltInChatTemplates.TryGet(name, out var template));
        foreach (var marker in markers)
        {
            Assert.Contains(marker, template, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_name_is_a_valid_template_that_loops_over_messages()
    {
        Assert.Equal(["alpaca", "chatml", "llama3", "mistral", "exaone"], BuiltInChatTemplates.Names);
        foreach (var name in BuiltInChatTemplates.Names)
        {
            Assert.True(BuiltInChatTemplates.TryGet(name, out var template));
            Assert.Contains("for message in", template, StringComparison.Ordinal);
            Assert.True(ChatTemplateChoice.IsValidSetting(template), name);

            // Balanced tags: a stray one would make transformers refuse the template when it is first used.
            Assert.Equal(Count(template, "{%"), Count(template, "%}"));
            Assert.Equal(Count(template, "{{"), Count(template, "}}"));
            Assert.Equal(Count(template, "{%- if"), Count(template, "{%- endif"));
            Assert.Equal(Count(template, "{%- for"), Count(template, "{%- endfor"));
        }
    }

    [Theory]
    [InlineData("alpaca")]
    [InlineData("chatml")]
    [InlineData("llama3")]
    [InlineData("exaone")]
    public void Templates_with_an_assistant_header_add_it_for_generation(string name)
    {
        // Mistral is the exception: its closing [/INST] already prompts the answer.
        Assert.True(BuiltInChatTemplates.TryGet(name, out var template));
        Assert.Contains("{%- if add_generation_prompt -%}", template, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_are_case_sensitive_as_in_mergekit() => Assert.False(BuiltInChatTemplates.TryGet("ChatML", out _));

    private static int Count(string text, string token)
    {
        var count = 0;
        for (var i = text.IndexOf(token, StringComparison.Ordinal); i >= 0; i = text.IndexOf(token, i + token.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
