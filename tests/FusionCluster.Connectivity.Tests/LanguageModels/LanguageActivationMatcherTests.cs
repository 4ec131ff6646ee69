using FusionCluster.Alignment;
using FusionCluster.Alignment.Assignment;
using FusionCluster.Alignment.Matching;
using FusionCluster.Alignment.Permutations;
using FusionCluster.Alignment.Specs;
using FusionCluster.Connectivity.LanguageModels;
using FusionCluster.Core.Formats;
using FusionCluster.Language.Models;
using FusionCluster.Language.Tests.Support;

namespace FusionCluster.Connectivity.Tests.LanguageModels;

/// <summary>
/// Activation matching of tiny random llamas (grouped-query attention, two blocks): a copy whose residual
/// stream, FFN units and KV heads were shuffled at random computes the same function, so its units correlate
/// perfectly with the original's and matching must find exactly the inverse shuffle.
/// </summary>
public sealed class LanguageActivationMatcherTests : IDisposable
{
    private static readonly TinyDecoderSpec Spec = new() { Vocab = 50, Hidden = 16, Ffn = 24, Heads = 4, KvHeads = 2, Layers = 2 };

    private readonly TempDirectory temp = new("fusion-lm-actmatch-");

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_randomly_permuted_copy_is_matched_back_to_the_original_exactly()
    {
        var original = Write("a", TinyCheckpointWriter.RandomWeights(Spec, 11, bfloat16: false));
        var (permuted, applied) = Shuffled(original, "b", seed: 12);
        using var a = LanguageModelCheckpoint.Load(original);
        using var b = LanguageModelCheckpoint.Load(permuted);

        var result = LanguageActivationMatcher.Match(a, b, SpecOf(permuted), RandomIds(600, 13), context: 32, samples: 12, seed: 0, new JonkerVolgenantSolver(), long.MaxValue, TestContext.Current.CancellationToken);

        // The copy's unit u is the original's applied[u]; aligned unit i must be the original's unit i.
        Assert.Equal(applied.Keys.Order(), result.Groups.Select(g => g.Group).Order());
        foreach (var group in result.Groups)
        {
            var inverse = new int[group.Permutation.Length];
            for (var u = 0; u < inverse.Length; u++)
            {
                inverse[applied[group.Group][u]] = u;
            }

            Assert.Equal(inverse, group.Permutation);

            // Each matched pair is a unit and its own copy: mean correlation 1 per unit.
            Assert.Equal(group.Permutation.Length, group.ObjectiveAfter, 3);
            Assert.True(group.ObjectiveBefore < group.ObjectiveAfter - 0.5, $"{group.Group}: the shuffle should cost correlation ({group.ObjectiveBefore} vs {group.ObjectiveAfter})");
        }

        // The aligned copy is the original, tensor for tensor, so a merge of the two is the original too.
        using var source = CheckpointFolder.Open(permuted);
        PermutedCheckpointWriter.Write(source, new PermutedTensorMap(SpecOf(permuted), result.Permutations), temp.Combine("aligned"), TestContext.Current.CancellationToken);
        using var aligned = LanguageModelCheckpoint.Load(temp.Combine("aligned"));
        var alignedParameters = aligned.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in a.named_parameters())
        {
            using var merged = (parameter + alignedParameters[name]) / 2;
            Assert.True(merged.allclose(parameter, rtol: 1e-6, atol: 1e-7), $"{name}: the merge of the original and its aligned copy differs from the original");
        }
    }

    [Fact]
    public void Matching_in_passes_of_one_block_or_one_site_finds_what_one_pass_finds_bit_for_bit()
    {
        // Two unrelated random models: no perfect matching, so every correlation and tie-break matters.
        var first = Write("p1", TinyCheckpointWriter.RandomWeights(Spec, 41, bfloat16: false));
        var second = Write("p2", TinyCheckpointWriter.RandomWeights(Spec, 42, bfloat16: false));
        using var a = LanguageModelCheckpoint.Load(first);
        using var b = LanguageModelCheckpoint.Load(second);
        var spec = SpecOf(second);
        var ids = RandomIds(900, 43);
        // One block's state, by hand (CorrelationPassesTests): residual 8·16², sums 8·(16² + 4·16) twice and
        // 8·(24² + 4·24), scores 4·24².
        const long oneBlock = 2048 + (2 * 2560) + 5376 + 2304;
        Assert.Equal([3, 3], CorrelationPasses.Plan(LanguageActivationMatcher.Sites(spec, a.Config), oneBlock).Select(p => p.Count));

        AlignmentResult Run(long budget) =>
            LanguageActivationMatcher.Match(a, b, spec, ids, context: 16, samples: 40, seed: 5, new JonkerVolgenantSolver(), budget, TestContext.Current.CancellationToken);
        var whole = Run(long.MaxValue);

        foreach (var budget in new[] { oneBlock, 1 })
        {
            var split = Run(budget);
            Assert.Equal(whole.Groups.Select(g => g.Group), split.Groups.Select(g => g.Group));
            foreach (var (expected, actual) in whole.Groups.Zip(split.Groups))
            {
                Assert.Equal(expected.Permutation, actual.Permutation);
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected.ObjectiveBefore), BitConverter.DoubleToInt64Bits(actual.ObjectiveBefore));
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected.ObjectiveAfter), BitConverter.DoubleToInt64Bits(actual.ObjectiveAfter));
            }
        }

        Assert.Contains(whole.Groups, g => g.UnitsMoved > 0);
    }

    [Fact]
    public async Task Matching_one_block_at_a_time_from_the_checkpoints_finds_what_the_whole_models_find_bit_for_bit()
    {
        // Unrelated models (every correlation and tie-break matters), one stored in bfloat16 (decoded the same way either path).
        var first = Write("s1", TinyCheckpointWriter.RandomWeights(Spec, 51, bfloat16: false));
        var second = temp.Combine("s2");
        TinyCheckpointWriter.Write(second, Spec, TinyCheckpointWriter.RandomWeights(Spec, 52, bfloat16: true), bfloat16: true);
        using var a = LanguageModelCheckpoint.Load(first);
        using var b = LanguageModelCheckpoint.Load(second);
        using var storedA = CheckpointFolder.Open(first);
        using var storedB = CheckpointFolder.Open(second);
        var spec = SpecOf(second);
        var ids = RandomIds(900, 53);

        // One pass; passes of whole blocks (the stream continues from the last block); a pass per site (a block split
        // between passes: the stream runs again from the embeddings).
        foreach (var budget in new[] { long.MaxValue, 2048 + (2 * 2560) + 5376 + 2304, 1 })
        {
            var whole = LanguageActivationMatcher.Match(a, b, spec, ids, context: 16, samples: 40, seed: 5, new JonkerVolgenantSolver(), budget, TestContext.Current.CancellationToken);
            var streamed = await LanguageActivationMatcher.MatchStreamedAsync(storedA, "s1", storedB, "s2", spec, ids, context: 16, samples: 40, seed: 5, new JonkerVolgenantSolver(), budget, TestContext.Current.CancellationToken);

            Assert.Equal(whole.Groups.Select(g => g.Group), streamed.Groups.Select(g => g.Group));
            foreach (var (expected, actual) in whole.Groups.Zip(streamed.Groups))
            {
                Assert.Equal(expected.Permutation, actual.Permutation);
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected.ObjectiveBefore), BitConverter.DoubleToInt64Bits(actual.ObjectiveBefore));
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected.ObjectiveAfter), BitConverter.DoubleToInt64Bits(actual.ObjectiveAfter));
            }

            Assert.Contains(streamed.Groups, g => g.UnitsMoved > 0);
        }
    }

    [Fact]
    public void A_model_matched_with_itself_keeps_every_unit_in_place()
    {
        var folder = Write("same", TinyCheckpointWriter.RandomWeights(Spec, 21, bfloat16: false));
        using var a = LanguageModelCheckpoint.Load(folder);
        using var b = LanguageModelCheckpoint.Load(folder);

        var result = LanguageActivationMatcher.Match(a, b, SpecOf(folder), RandomIds(300, 22), context: 16, samples: 100, seed: 1, new JonkerVolgenantSolver(), long.MaxValue, TestContext.Current.CancellationToken);

        Assert.All(result.Groups, g => Assert.Equal(0, g.UnitsMoved));
        Assert.All(result.Groups, g => Assert.Equal(g.ObjectiveBefore, g.ObjectiveAfter));
    }

    [Fact]
    public void A_group_the_llama_spec_does_not_define_is_refused_by_name()
    {
        var folder = Write("custom", TinyCheckpointWriter.RandomWeights(Spec, 31, bfloat16: false));
        using var a = LanguageModelCheckpoint.Load(folder);
        var derived = SpecOf(folder);
        var custom = new PermutationSpec([.. derived.Groups, new PermutationGroup("my.group", 3)], derived.Tensors);

        var error = Assert.Throws<AlignmentException>(() => LanguageActivationMatcher.Match(a, a, custom, RandomIds(100, 32), 16, 4, 0, new JonkerVolgenantSolver(), long.MaxValue, TestContext.Current.CancellationToken));

        Assert.Contains("'my.group'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Windows_are_drawn_whole_in_text_order_and_the_draw_depends_only_on_the_seed()
    {
        var ids = Enumerable.Range(0, 100).ToArray();

        var drawn = TokenSamples.Draw(ids, context: 8, samples: 5, seed: 7);

        // 100 tokens make 12 full windows of 8 (the last 4 tokens are no full window).
        Assert.Equal(5, drawn.Count);
        Assert.All(drawn, w => Assert.Equal(8, w.Length));
        Assert.All(drawn, w => Assert.Equal(0, w[0] % 8));
        Assert.All(drawn, w => Assert.Equal(Enumerable.Range(w[0], 8), w));
        Assert.Equal(drawn.Select(w => w[0]).Order(), drawn.Select(w => w[0]));
        Assert.Equal(drawn, TokenSamples.Draw(ids, 8, 5, 7));
        Assert.Equal(12, TokenSamples.Draw(ids, 8, 50, 7).Count);
        Assert.Equal([ids[..6]], TokenSamples.Draw(ids[..6], 8, 5, 7));
    }

    internal static PermutationSpec SpecOf(string folder)
    {
        using var checkpoint = CheckpointFolder.Open(folder);
        var shapes = checkpoint.TensorNames.ToDictionary(n => n, n => checkpoint.GetEntry(n).Shape, StringComparer.Ordinal);
        return LlamaPermutationSpec.Derive(checkpoint.Config, shapes, folder);
    }

    private static int[] RandomIds(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.Next(Spec.Vocab))];
    }

    /// <summary>A copy with every group (residual, per-block FFN and KV heads) shuffled: unit u of the copy is unit perm[u] of the original.</summary>
    private (string Folder, Dictionary<string, int[]> Applied) Shuffled(string original, string name, int seed)
    {
        var spec = SpecOf(original);
        var random = new Random(seed);
        var applied = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var group in spec.Groups)
        {
            var permutation = Enumerable.Range(0, group.Size).ToArray();
            while (permutation.Where((from, to) => from != to).Count() < Math.Min(2, group.Size))
            {
                random.Shuffle(permutation);
            }

            applied[group.Name] = permutation;
        }

        using var source = CheckpointFolder.Open(original);
        PermutedCheckpointWriter.Write(source, new PermutedTensorMap(spec, applied), temp.Combine(name), TestContext.Current.CancellationToken);
        return (temp.Combine(name), applied);
    }

    private string Write(string name, IReadOnlyDictionary<string, float[]> weights)
    {
        var folder = temp.Combine(name);
        TinyCheckpointWriter.Write(folder, Spec, weights, bfloat16: false);
        return folder;
    }
}
