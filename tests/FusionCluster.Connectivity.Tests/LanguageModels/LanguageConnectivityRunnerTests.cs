using FusionCluster.Connectivity.LanguageModels;
using FusionCluster.Core.Storage;
using FusionCluster.Language;
using FusionCluster.Language.Tests.Support;

namespace FusionCluster.Connectivity.Tests.LanguageModels;

/// <summary>
/// The path between two hand-written tiny llamas, scored against the plain-C# reference forward of the language
/// tests (not the TorchSharp model the runner uses): perplexity at α = 0, ½ and 1 is the reference's on A, on the
/// element-wise mean of A and B, and on B.
/// </summary>
public sealed class LanguageConnectivityRunnerTests : IDisposable
{
    // The Metaspace tokenizer turns this into <s> ▁ab ▁c a ▁ab ▁c ▁ab: ids 1 9 10 4 9 10 9; one window of 64 predicts 6.
    private const string Text = "ab ca ab c ab";
    private static readonly int[] Ids = [1, 9, 10, 4, 9, 10, 9];
    private static readonly TinyDecoderSpec Spec = new() { Vocab = 11, Hidden = 8, Ffn = 12, Heads = 2, KvHeads = 1 };

    private readonly TempDirectory temp = new("fusion-connect-lm-");

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Identical_endpoints_have_no_barrier_and_every_point_is_the_models_perplexity()
    {
        var weights = TinyCheckpointWriter.RandomWeights(Spec, 3, bfloat16: false);
        var a = Model("a", weights);
        var b = Model("b", weights);

        var report = LanguageConnectivityRunner.Run(a, b, TextFile(), new LanguageConnectOptions { Points = 5 }, TestContext.Current.CancellationToken);

        var expected = ReferencePerplexity(weights);
        Assert.Equal(5, report.Points.Count);
        Assert.All(report.Points, p => Assert.Equal(expected, p.Perplexity, 4));
        Assert.Equal(0, report.LossBarrier, 6);
        Assert.Equal(6, report.Tokens);
    }

    [Fact]
    public void A_context_past_max_position_embeddings_is_refused_naming_the_model()
    {
        var weights = TinyCheckpointWriter.RandomWeights(Spec, 3, bfloat16: false);
        var (a, b) = (Model("a", weights), Model("b", weights));
        var options = new LanguageConnectOptions { Points = 3, Alignment = AlignmentMethod.WeightMatching, Context = 65 };

        // The tiny models' max_position_embeddings is 64.
        var error = Assert.Throws<LanguageModelException>(() => LanguageConnectivityRunner.Run(a, b, TextFile(), options, TestContext.Current.CancellationToken));

        Assert.Equal($"{a}: a context of 65 tokens is longer than max_position_embeddings in config.json (64); use a context of at most 64", error.Message);
    }

    [Fact]
    public void The_endpoints_and_the_midpoint_are_the_reference_perplexities_of_A_the_mean_and_B()
    {
        var first = TinyCheckpointWriter.RandomWeights(Spec, 4, bfloat16: false);
        var second = TinyCheckpointWriter.RandomWeights(Spec, 5, bfloat16: false);

        var report = LanguageConnectivityRunner.Run(Model("a", first), Model("b", second), TextFile(), new LanguageConnectOptions { Points = 3 }, TestContext.Current.CancellationToken);

        var mean = first.ToDictionary(p => p.Key, p => p.Value.Select((v, i) => (float)((0.5 * v) + (0.5 * second[p.Key][i]))).ToArray(), StringComparer.Ordinal);
        var (start, middle, end) = (ReferencePerplexity(first), ReferencePerplexity(mean), ReferencePerplexity(second));
        Assert.Equal([0, 0.5, 1], report.Points.Select(p => p.Alpha));
        Assert.Equal(start, report.Points[0].Perplexity, 4);
        Assert.Equal(middle, report.Points[1].Perplexity, 4);
        Assert.Equal(end, report.Points[2].Perplexity, 4);
        Assert.Equal(Math.Log(middle), report.Points[1].Loss, 5);
        Assert.Equal(Math.Max(0, Math.Log(middle) - ((Math.Log(start) + Math.Log(end)) / 2)), report.LossBarrier, 5);
    }

    [Fact]
    public void Weight_matching_undoes_a_permutation_of_the_ffn_units_so_the_path_stays_at_the_models_perplexity()
    {
        var weights = TinyCheckpointWriter.RandomWeights(Spec, 6, bfloat16: false);
        var a = Model("a", weights);
        var b = Model("b", PermuteFfn(weights, [3, 7, 0, 11, 5, 1, 9, 2, 10, 4, 8, 6]));
        var expected = ReferencePerplexity(weights);

        var naive = LanguageConnectivityRunner.Run(a, b, TextFile(), new LanguageConnectOptions { Points = 3 }, TestContext.Current.CancellationToken);
        var aligned = LanguageConnectivityRunner.Run(a, b, TextFile(), new LanguageConnectOptions { Points = 3, Alignment = AlignmentMethod.WeightMatching }, TestContext.Current.CancellationToken);

        // The permuted copy is the same function: both endpoints score alike, but only the aligned midpoint does.
        Assert.Equal(expected, naive.Points[2].Perplexity, 4);
        Assert.NotEqual(expected, naive.Points[1].Perplexity, 3);
        Assert.All(aligned.Points, p => Assert.Equal(expected, p.Perplexity, 4));
        Assert.Equal(0, aligned.LossBarrier, 6);
    }

    [Fact]
    public void Activation_matching_on_a_second_text_undoes_a_permutation_of_the_ffn_units()
    {
        var weights = TinyCheckpointWriter.RandomWeights(Spec, 8, bfloat16: false);
        var a = Model("a", weights);
        var b = Model("b", PermuteFfn(weights, [5, 0, 11, 3, 7, 1, 10, 2, 9, 4, 6, 8]));
        var expected = ReferencePerplexity(weights);

        // Activations are measured on a longer text of the tokenizer's words than the one scored.
        var words = new[] { "ab", "c", "ca", "a", "abc", "b" };
        var random = new Random(9);
        var matchText = temp.Combine("match.txt");
        File.WriteAllText(matchText, string.Join(' ', Enumerable.Range(0, 300).Select(_ => words[random.Next(words.Length)])));
        var options = new LanguageConnectOptions { Points = 3, Alignment = AlignmentMethod.ActivationMatching, MatchText = matchText, Context = 16, Samples = 50 };

        var aligned = LanguageConnectivityRunner.Run(a, b, TextFile(), options, TestContext.Current.CancellationToken);

        Assert.Equal("activation matching", aligned.Label);
        Assert.All(aligned.Points, p => Assert.Equal(expected, p.Perplexity, 4));
        Assert.Equal(0, aligned.LossBarrier, 6);
    }

    [Fact]
    public void Models_that_tokenize_the_text_differently_are_refused_by_name()
    {
        var weights = TinyCheckpointWriter.RandomWeights(Spec, 7, bfloat16: false);
        var a = Model("a", weights);
        var b = Model("b", weights);
        File.WriteAllText(Path.Combine(b, "tokenizer.json"), TokenizerFiles.ByteLevelBpe);

        var error = Assert.Throws<LanguageModelException>(() => LanguageConnectivityRunner.Run(a, b, TextFile(), new LanguageConnectOptions(), TestContext.Current.CancellationToken));

        Assert.Contains("tokenize the text differently", error.Message, StringComparison.Ordinal);
        Assert.Contains(b, error.Message, StringComparison.Ordinal);
    }

    private static double ReferencePerplexity(IReadOnlyDictionary<string, float[]> weights)
    {
        var logits = ReferenceDecoder.Logits(Spec, weights, Ids);
        var nll = -Enumerable.Range(0, Ids.Length - 1).Sum(t => ReferenceDecoder.LogProbability(logits[t], Ids[t + 1]));
        return Math.Exp(nll / (Ids.Length - 1));
    }

    /// <summary>Every block's FFN units reordered: unit i of the copy is unit permutation[i] of the original (gate/up rows, down columns).</summary>
    private static Dictionary<string, float[]> PermuteFfn(Dictionary<string, float[]> weights, int[] permutation)
    {
        var permuted = weights.ToDictionary(p => p.Key, p => (float[])p.Value.Clone(), StringComparer.Ordinal);
        for (var layer = 0; layer < Spec.Layers; layer++)
        {
            var prefix = $"model.layers.{layer}.mlp";
            foreach (var rows in new[] { "gate_proj", "up_proj" })
            {
                var source = weights[$"{prefix}.{rows}.weight"];
                var target = permuted[$"{prefix}.{rows}.weight"];
                for (var unit = 0; unit < Spec.Ffn; unit++)
                {
                    Array.Copy(source, permutation[unit] * Spec.Hidden, target, unit * Spec.Hidden, Spec.Hidden);
                }
            }

            var down = weights[$"{prefix}.down_proj.weight"];
            var permutedDown = permuted[$"{prefix}.down_proj.weight"];
            for (var row = 0; row < Spec.Hidden; row++)
            {
                for (var unit = 0; unit < Spec.Ffn; unit++)
                {
                    permutedDown[(row * Spec.Ffn) + unit] = down[(row * Spec.Ffn) + permutation[unit]];
                }
            }
        }

        return permuted;
    }

    [Theory]
    [InlineData("tokenizer.json")]
    [InlineData("model.safetensors")]
    public void A_file_linked_out_of_the_roots_is_refused_naming_it(string linked)
    {
        var weights = TinyCheckpointWriter.RandomWeights(Spec, 3, bfloat16: false);
        var a = Model("a", weights);
        var b = Model("b", weights);
        var outside = Directory.CreateDirectory(temp.Combine("outside")).FullName;
        File.Move(Path.Combine(b, linked), Path.Combine(outside, linked));
        File.CreateSymbolicLink(Path.Combine(b, linked), Path.Combine(outside, linked));
        var options = new LanguageConnectOptions { Points = 3, Roots = new LocalRoots([a, b]) };

        var error = Assert.Throws<StorageException>(() => LanguageConnectivityRunner.Run(a, b, TextFile(), options, TestContext.Current.CancellationToken));

        Assert.Contains(Path.Combine(b, linked), error.Message, StringComparison.Ordinal);
        Assert.Contains("outside the configured data roots", error.Message, StringComparison.Ordinal);
        // Without roots the link is followed.
        Assert.Equal(3, LanguageConnectivityRunner.Run(a, b, TextFile(), options with { Roots = LocalRoots.Anywhere }, TestContext.Current.CancellationToken).Points.Count);
    }

    private string Model(string name, IReadOnlyDictionary<string, float[]> weights)
    {
        var folder = temp.Combine(name);
        TinyCheckpointWriter.Write(folder, Spec, weights, bfloat16: false);
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), TokenizerFiles.MetaspaceWithBos);
        return folder;
    }

    private string TextFile()
    {
        var path = temp.Combine("text.txt");
        File.WriteAllText(path, Text);
        return path;
    }
}
