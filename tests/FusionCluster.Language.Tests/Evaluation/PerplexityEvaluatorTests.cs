using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Language.Evaluation;
using FusionCluster.Language.Tests.Support;

namespace FusionCluster.Language.Tests.Evaluation;

public sealed class PerplexityEvaluatorTests
{
    // The Metaspace tokenizer turns this into <s> ▁ab ▁c a ▁ab ▁c ▁ab: ids 1 9 10 4 9 10 9 (see HfTokenizerTests).
    private const string Text = "ab ca ab c ab";
    private static readonly int[] Ids = [1, 9, 10, 4, 9, 10, 9];

    [Fact]
    public async Task Perplexity_is_exp_of_the_mean_nll_over_each_windows_predicted_tokens()
    {
        using var directory = new TempDirectory();
        var spec = new TinyDecoderSpec { Vocab = 11, Hidden = 8, Heads = 2, KvHeads = 1 };
        var weights = TinyCheckpointWriter.RandomWeights(spec, 7, bfloat16: false);
        var model = directory.Combine("model");
        TinyCheckpointWriter.Write(model, spec, weights, false);
        File.WriteAllText(Path.Combine(model, "tokenizer.json"), TokenizerFiles.MetaspaceWithBos);
        File.WriteAllText(directory.Combine("text.txt"), Text);

        var metrics = await new PerplexityEvaluator(directory.Combine("text.txt"), context: 3).EvaluateAsync(model, TestContext.Current.CancellationToken);

        // Windows of 3: [1 9 10] [4 9 10] [9]; the first two predict 2 tokens each, the last nothing.
        double nll = 0;
        foreach (var start in new[] { 0, 3 })
        {
            var window = Ids[start..(start + 3)];
            var logits = ReferenceDecoder.Logits(spec, weights, window);
            nll -= ReferenceDecoder.LogProbability(logits[0], window[1]) + ReferenceDecoder.LogProbability(logits[1], window[2]);
        }

        Assert.Equal(4, metrics["tokens"]);
        Assert.Equal(3, metrics["windows"]);
        Assert.Equal(Math.Exp(nll / 4), metrics["perplexity"], 4);
        Assert.True(metrics["tokens_per_second"] > 0);

        // What a sweep's reader accepts as an objective of this evaluator is what it reports.
        Assert.Equal(EvaluatorMetricNames.Of(new SweepEvaluatorSpec(null, null, null, new PerplexityEvaluatorSpec("text.txt", 3)))!.Order(), metrics.Keys.Order());
    }

    [Fact]
    public async Task The_default_window_is_max_position_embeddings()
    {
        using var directory = new TempDirectory();
        var spec = new TinyDecoderSpec { Vocab = 11 };
        var weights = TinyCheckpointWriter.RandomWeights(spec, 8, bfloat16: true);
        TinyCheckpointWriter.Write(directory.Path, spec, weights, true);
        File.WriteAllText(directory.Combine("tokenizer.json"), TokenizerFiles.MetaspaceWithBos);
        File.WriteAllText(directory.Combine("text.txt"), Text);

        var metrics = await new PerplexityEvaluator(directory.Combine("text.txt")).EvaluateAsync(directory.Path, TestContext.Current.CancellationToken);

        // max_position_embeddings is 64: one window of all 7 tokens predicts 6.
        var logits = ReferenceDecoder.Logits(spec, weights, Ids);
        var nll = -Enumerable.Range(0, 6).Sum(t => ReferenceDecoder.LogProbability(logits[t], Ids[t + 1]));
        Assert.Equal(6, metrics["tokens"]);
        Assert.Equal(1, metrics["windows"]);
        Assert.Equal(Math.Exp(nll / 6), metrics["perplexity"], 4);
    }

    [Fact]
    public async Task A_window_longer_than_max_position_embeddings_is_refused_naming_the_key()
    {
        using var directory = new TempDirectory();
        var spec = new TinyDecoderSpec { Vocab = 11 };
        TinyCheckpointWriter.Write(directory.Path, spec, TinyCheckpointWriter.RandomWeights(spec, 9, bfloat16: true), true);
        File.WriteAllText(directory.Combine("tokenizer.json"), TokenizerFiles.MetaspaceWithBos);
        File.WriteAllText(directory.Combine("text.txt"), Text);

        // max_position_embeddings is 64: a window of 64 is the longest it was trained on.
        var longest = await new PerplexityEvaluator(directory.Combine("text.txt"), context: 64).EvaluateAsync(directory.Path, TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<EvaluationException>(() => new PerplexityEvaluator(directory.Combine("text.txt"), context: 65).EvaluateAsync(directory.Path, TestContext.Current.CancellationToken));

        Assert.Equal(6, longest["tokens"]);
        Assert.Contains("a context of 65 tokens is longer than max_position_embeddings in config.json (64)", error.Message, StringComparison.Ordinal);
        Assert.Contains(directory.Path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Windows_are_consecutive_and_do_not_overlap()
    {
        Assert.Equal([new TokenWindow(0, 4), new TokenWindow(4, 4), new TokenWindow(8, 2)], TokenWindow.Split(10, 4));
        Assert.Equal(3 + 3 + 1, TokenWindow.Split(10, 4).Sum(w => w.Predicted));
        Assert.Equal([new TokenWindow(0, 4), new TokenWindow(4, 1)], TokenWindow.Split(5, 4));
    }

    [Theory]
    [InlineData("model.safetensors")]
    [InlineData("tokenizer.json")]
    [InlineData("config.json")]
    public async Task With_data_roots_a_model_file_linked_from_outside_them_is_refused(string linked)
    {
        using var directory = new TempDirectory();
        var inside = directory.Combine("roots");
        var model = WriteTinyModel(Path.Combine(inside, "model"));
        File.WriteAllText(Path.Combine(inside, "text.txt"), Text);
        var outside = directory.Combine("elsewhere");
        Directory.CreateDirectory(outside);
        File.Move(Path.Combine(model, linked), Path.Combine(outside, linked));
        File.CreateSymbolicLink(Path.Combine(model, linked), Path.Combine(outside, linked));
        var text = Path.Combine(inside, "text.txt");

        // The link itself works: without roots the model is evaluated.
        var unconfined = await new PerplexityEvaluator(text).EvaluateAsync(model, TestContext.Current.CancellationToken);
        Assert.Equal(6, unconfined["tokens"]);

        var confined = new PerplexityEvaluator(text, roots: new LocalRoots([inside]));
        var error = await Assert.ThrowsAsync<StorageException>(() => confined.EvaluateAsync(model, TestContext.Current.CancellationToken));
        Assert.Contains("outside the configured data roots", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(outside, linked), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_data_roots_a_text_outside_them_is_refused_and_a_text_that_is_a_fifo_is_refused_promptly()
    {
        using var directory = new TempDirectory();
        var inside = directory.Combine("roots");
        var model = WriteTinyModel(Path.Combine(inside, "model"));
        var outside = directory.Combine("elsewhere.txt");
        File.WriteAllText(outside, Text);
        var roots = new LocalRoots([inside]);

        var refused = await Assert.ThrowsAsync<StorageException>(() => new PerplexityEvaluator(outside, roots: roots).EvaluateAsync(model, TestContext.Current.CancellationToken));
        Assert.Equal($"text file '{outside}' is outside the configured data roots ({inside})", refused.Message);

        // Opening a FIFO with no writer blocks; with roots or without, the evaluator must refuse it at once.
        var fifo = Fifo.Create(Path.Combine(inside, "text.txt"));
        foreach (var evaluator in new[] { new PerplexityEvaluator(fifo, roots: roots), new PerplexityEvaluator(fifo) })
        {
            var error = await Assert.ThrowsAsync<StorageException>(() => Promptly.RunAsync(() => evaluator.EvaluateAsync(model, TestContext.Current.CancellationToken)));
            Assert.Equal($"text file '{fifo}' is not a regular file (a device, pipe, socket or folder)", error.Message);
        }
    }

    /// <summary>A random 11-token decoder with its tokenizer in <paramref name="model"/>, which it returns.</summary>
    private static string WriteTinyModel(string model)
    {
        var spec = new TinyDecoderSpec { Vocab = 11 };
        TinyCheckpointWriter.Write(model, spec, TinyCheckpointWriter.RandomWeights(spec, 9, bfloat16: false), false);
        File.WriteAllText(Path.Combine(model, "tokenizer.json"), TokenizerFiles.MetaspaceWithBos);
        return model;
    }
}
