using FusionCluster.Evaluation.Training;
using FusionCluster.Language.Evaluation;
using FusionCluster.Language.Training;

namespace FusionCluster.Language.Tests.Training;

/// <summary>
/// Trains on real English text that every Debian system has (the GPL-3 in base-files) and measures on a
/// different license text, so "lower held-out perplexity" is about language, not memorised lines.
/// </summary>
public sealed class LanguageModelTrainerTests
{
    private const string TrainingText = "/usr/share/common-licenses/GPL-3";
    private const string HeldOutText = "/usr/share/common-licenses/Apache-2.0";

    private static readonly LanguageTrainingOptions Small = new() { Layers = 2, Hidden = 64, Heads = 4, KvHeads = 2, Ffn = 128, Context = 64, BatchSize = 8 };

    [Fact]
    public void A_training_that_diverges_says_where_and_leaves_the_output_folder_as_it_was()
    {
        using var directory = new TempDirectory();
        var output = directory.Combine("diverged");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "tokenizer.json"), "the user's tokenizer");

        // Adam's first step moves every weight by about the learning rate: 10^30 makes the next forward overflow.
        var error = Assert.Throws<TrainingDivergedException>(() =>
            LanguageModelTrainer.TrainAndSave(File.ReadAllText(TrainingText), Small with { Steps = 5, LearningRate = 1e30 }, output, TestContext.Current.CancellationToken));

        Assert.StartsWith("training diverged", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("try a learning rate below 1E+30", error.Message, StringComparison.Ordinal);
        Assert.Equal([Path.Combine(output, "tokenizer.json")], Directory.GetFiles(output));
        Assert.Equal("the user's tokenizer", File.ReadAllText(Path.Combine(output, "tokenizer.json")));
    }

    [Theory]
    [InlineData(int.MaxValue, 1, "--batch-size 1 × --context 2147483647: 2147483647 tokens per step")]
    [InlineData(2_000_000_000, 1, "the text has 20 tokens; training windows of --context 2000000000 need at least 2000000001")]
    [InlineData(20, 1, "the text has 20 tokens; training windows of --context 20 need at least 21")]
    [InlineData(1 << 20, 1 << 12, "--batch-size 4096 × --context 1048576: 4294967296 tokens per step")]
    public void A_context_longer_than_the_text_or_a_step_too_large_is_refused_in_words(int context, int batchSize, string expected)
    {
        using var directory = new TempDirectory();
        var output = directory.Combine("lm");

        // Twenty bytes, twenty tokens of the byte-level tokenizer. --context 2147483647 overflowed its check and crashed.
        var error = Assert.Throws<ArgumentException>(() =>
            LanguageModelTrainer.TrainAndSave("twenty bytes of text", Small with { Context = context, BatchSize = batchSize, Steps = 1 }, output, TestContext.Current.CancellationToken));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Training_lowers_held_out_perplexity()
    {
        using var directory = new TempDirectory();
        var text = File.ReadAllText(TrainingText);
        var untrained = directory.Combine("untrained");
        var trained = directory.Combine("trained");

        LanguageModelTrainer.TrainAndSave(text, Small with { Steps = 1, LearningRate = 1e-9 }, untrained, TestContext.Current.CancellationToken);
        LanguageModelTrainer.TrainAndSave(text, Small with { Steps = 150 }, trained, TestContext.Current.CancellationToken);
        var before = await new PerplexityEvaluator(HeldOutText).EvaluateAsync(untrained, TestContext.Current.CancellationToken);
        var after = await new PerplexityEvaluator(HeldOutText).EvaluateAsync(trained, TestContext.Current.CancellationToken);

        // An untrained model is near-uniform over the 257 byte tokens; a trained one knows English letters.
        Assert.InRange(before["perplexity"], 200, 320);
        Assert.True(after["perplexity"] < before["perplexity"] / 5, $"held-out perplexity {after["perplexity"]} after training vs {before["perplexity"]} before");
        foreach (var file in new[] { "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "generation_config.json" })
        {
            Assert.True(File.Exists(Path.Combine(trained, file)), file);
        }

        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(trained, "config.json")))!;
        Assert.Equal("llama", config["model_type"]!.GetValue<string>());
        Assert.Equal("LlamaForCausalLM", config["architectures"]![0]!.GetValue<string>());
    }

    [Fact]
    public void The_same_seed_writes_identical_bytes_and_a_fine_tune_keeps_the_base_config()
    {
        using var directory = new TempDirectory();
        var text = File.ReadAllText(TrainingText);
        var options = Small with { Steps = 4, Seed = 42 };

        LanguageModelTrainer.TrainAndSave(text, options, directory.Combine("a"), TestContext.Current.CancellationToken);
        LanguageModelTrainer.TrainAndSave(text, options, directory.Combine("b"), TestContext.Current.CancellationToken);
        LanguageModelTrainer.TrainAndSave(text, options with { Seed = 43 }, directory.Combine("c"), TestContext.Current.CancellationToken);
        LanguageModelTrainer.TrainAndSave(File.ReadAllText(HeldOutText), new LanguageTrainingOptions { BaseCheckpoint = directory.Combine("a"), Steps = 2, Context = 32 }, directory.Combine("tuned"), TestContext.Current.CancellationToken);

        var weights = File.ReadAllBytes(directory.Combine("a", "model.safetensors"));
        Assert.Equal(weights, File.ReadAllBytes(directory.Combine("b", "model.safetensors")));
        Assert.NotEqual(weights, File.ReadAllBytes(directory.Combine("c", "model.safetensors")));
        Assert.Equal(weights.Length, File.ReadAllBytes(directory.Combine("tuned", "model.safetensors")).Length);
        Assert.NotEqual(weights, File.ReadAllBytes(directory.Combine("tuned", "model.safetensors")));
        Assert.Equal(File.ReadAllText(directory.Combine("a", "tokenizer.json")), File.ReadAllText(directory.Combine("tuned", "tokenizer.json")));
    }

    [Fact]
    public void A_fine_tune_on_windows_longer_than_its_bases_positions_is_refused()
    {
        using var directory = new TempDirectory();
        LanguageModelTrainer.TrainAndSave(File.ReadAllText(TrainingText), Small with { Steps = 1 }, directory.Combine("base"), TestContext.Current.CancellationToken);
        var positions = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(directory.Combine("base", "config.json")))!["max_position_embeddings"]!.GetValue<int>();

        // The fine-tune keeps its base's config.json: it could not be evaluated on longer windows than the base's.
        var error = Assert.Throws<ArgumentException>(() => LanguageModelTrainer.TrainAndSave(
            File.ReadAllText(HeldOutText), new LanguageTrainingOptions { BaseCheckpoint = directory.Combine("base"), Steps = 1, Context = positions + 1 }, directory.Combine("tuned"), TestContext.Current.CancellationToken));

        Assert.Contains($"--context {positions + 1}: longer than max_position_embeddings of the base", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory.Combine("tuned")));
    }
}
