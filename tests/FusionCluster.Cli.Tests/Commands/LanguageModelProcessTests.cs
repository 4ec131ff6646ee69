using System.Text.Json.Nodes;
using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary><c>fusion train --arch llama</c>, <c>eval --text</c> and <c>generate</c> end to end through the real executable.</summary>
public sealed class LanguageModelProcessTests
{
    [Fact]
    public async Task A_trained_llama_is_evaluated_and_continues_a_prompt()
    {
        using var temp = new TempDirectory();
        var model = temp.Combine("llama");
        var text = temp.Combine("text.txt");
        // 40 ASCII bytes: the byte-level tokenizer makes 40 tokens, in windows of 16, 16 and 8 predicting 15 + 15 + 7.
        await File.WriteAllTextAsync(text, "the quick brown fox jumps over a lazy do", TestContext.Current.CancellationToken);

        var train = await FusionProcess.RunAsync("train", "--arch", "llama", "--text", "/usr/share/common-licenses/GPL-3", "--out", model, "--layers", "1", "--hidden", "16", "--heads", "2", "--kv-heads", "1", "--ffn", "32", "--context", "16", "--steps", "3");
        var eval = await FusionProcess.RunAsync("eval", model, "--text", text, "--context", "16", "--json");
        var generate = await FusionProcess.RunAsync("generate", model, "--prompt", "The", "--max-new-tokens", "4");
        // 3 prompt tokens and 14 new ones pass the 16 positions the model was trained with (--context 16).
        var longer = await FusionProcess.RunAsync("generate", model, "--prompt", "The", "--max-new-tokens", "14");
        var negative = await FusionProcess.RunAsync("generate", model, "--prompt", "The", "--max-new-tokens", "-1");

        Assert.True(train.ExitCode == 0, $"train: {train.Stderr}");
        Assert.True(eval.ExitCode == 0, $"eval: {eval.Stderr}");
        var metrics = JsonNode.Parse(eval.Stdout)!;
        Assert.Equal(37, metrics["tokens"]!.GetValue<double>());
        Assert.InRange(metrics["perplexity"]!.GetValue<double>(), 1, 1000);
        Assert.True(generate.ExitCode == 0, $"generate: {generate.Stderr}");
        Assert.StartsWith("The", generate.Stdout, StringComparison.Ordinal);
        Assert.Equal("", generate.Stderr);
        Assert.True(longer.ExitCode == 0, $"generate 14: {longer.Stderr}");
        Assert.Equal("note: 3 prompt tokens and up to 14 new ones pass the model's max_position_embeddings of 16; each step past it sees only the last 16 tokens", longer.Stderr.Trim());
        Assert.Equal(1, negative.ExitCode);
        Assert.Equal("fusion: error: --max-new-tokens -1: expected 0 or more", negative.Stderr.Trim());
    }

    [Fact]
    public async Task A_model_type_it_cannot_run_is_one_error_line_naming_the_file()
    {
        using var temp = new TempDirectory();
        await File.WriteAllTextAsync(temp.Combine("config.json"), """{"model_type":"gpt2","hidden_size":8}""", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(temp.Combine("tokenizer.json"), "{}", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(temp.Combine("text.txt"), "hello", TestContext.Current.CancellationToken);

        var eval = await FusionProcess.RunAsync("eval", temp.Path, "--text", temp.Combine("text.txt"));

        Assert.Equal(1, eval.ExitCode);
        Assert.Contains("model_type 'gpt2'", eval.Stderr, StringComparison.Ordinal);
        Assert.Contains(temp.Combine("config.json"), eval.Stderr, StringComparison.Ordinal);
    }
}
