using System.Globalization;
using System.Text.RegularExpressions;
using FusionCluster.Alignment;
using FusionCluster.Alignment.Assignment;
using FusionCluster.Alignment.Matching;
using FusionCluster.Alignment.Specs;
using FusionCluster.Connectivity.Matching;
using FusionCluster.Core.Execution;
using FusionCluster.Language;
using FusionCluster.Language.Models;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.LanguageModels;

/// <summary>
/// Activation matching for llama-family models (Git Re-Basin §3.1) over the groups of the llama permutation spec
/// (<see cref="LlamaPermutationSpec"/>): both models run forward on the same token windows, and per group the
/// Pearson correlation of every unit of a with every unit of b over all token positions decides one linear
/// assignment. A group's activations:
/// <list type="bullet">
/// <item><c>model.layers.N.mlp</c>: the FFN hidden units, act(gate)·up, as down_proj reads them;</item>
/// <item><c>model.layers.N.self_attn.heads</c>: o_proj's input, each KV head a block of its query heads'
/// dimensions; heads are compared whole, dimension d of one with dimension d of the other (the spec moves heads
/// whole and never permutes inside one), so a head pair scores the mean of its dimensions' correlations;</item>
/// <item><c>residual</c>: the residual stream after every block, the stream being one permutation for all of
/// them; a unit pair scores the mean of its correlations at those points (each point standardised on its own:
/// the stream's scale grows with depth).</item>
/// </list>
/// As for classifiers, permuting one group does not change the values another group's units take, only where
/// they sit, so both models run unpermuted and every group is solved from their activations. Memory: the
/// correlation sums (n × n float64 per group and point) of one pass (<see cref="CorrelationPasses"/>: as many
/// blocks as a state budget allows, both models run forward again for each pass, only through its last block),
/// the residual group's running similarity, and one batch's activations at the pass's sites; no activation
/// outlives its batch. Passes never change a result: each site's sums see the same batches in the same order and
/// the residual's per-block correlations are added in block order, so any budget finds the same permutations and
/// objectives, bit for bit.
/// </summary>
public static partial class LanguageActivationMatcher
{
    /// <summary>A batch's kept activations of the reference (float64, every site together) stay near this size.</summary>
    private const long BatchActivationBytes = 256L << 20;

    /// <summary>
    /// Aligns <paramref name="b"/> to <paramref name="a"/> on <paramref name="samples"/> windows of
    /// <paramref name="context"/> tokens of <paramref name="ids"/>, drawn by <paramref name="seed"/>
    /// (<see cref="TokenSamples.Draw"/>): per group its permutation (unit i of the aligned model is unit perm[i] of
    /// b), the units moved, and the summed mean correlation of matched units before (identity) and after.
    /// </summary>
    /// <param name="stateBudgetBytes">The correlation state one pass may hold (<see cref="CorrelationPasses"/>); <see cref="UnitMemory.BytesPerUnit"/> in jobs, <see cref="long.MaxValue"/> for one pass.</param>
    public static AlignmentResult Match(
        LlamaForCausalLM a, LlamaForCausalLM b, PermutationSpec spec, IReadOnlyList<int> ids, int context, int samples, int seed, ILinearAssignmentSolver solver, long stateBudgetBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(solver);
        var vocabulary = Math.Min(a.Config.VocabSize, b.Config.VocabSize);
        if (ids.Where(id => id < 0 || id >= vocabulary).Select(id => (int?)id).FirstOrDefault() is { } outside)
        {
            throw new LanguageModelException($"token id {outside} is outside the models' vocabulary of {vocabulary}: the tokenizer does not belong to these models");
        }

        var sites = Sites(spec, a.Config);
        var windows = TokenSamples.Draw(ids, context, samples, seed);
        var length = windows[0].Length;
        // Batches are sized by every site, whatever the pass holds: each site's sums then add the same batches in any plan.
        var perBatch = (int)Math.Clamp(BatchActivationBytes / (8L * length * sites.Sum(s => (long)s.Width)), 1, 64);
        var similarities = spec.Groups.ToDictionary(g => g.Name, g => new GroupSimilarity(g.Size, sites.Count(s => s.Group == g.Name)), StringComparer.Ordinal);
        var solved = new Dictionary<string, GroupAlignment>(StringComparer.Ordinal);
        foreach (var pass in CorrelationPasses.Plan(sites, stateBudgetBytes))
        {
            var correlations = pass.ToDictionary(s => s.Key, s => new CrossCorrelation(s.Width, s.Width), StringComparer.Ordinal);
            try
            {
                var blocks = pass.Max(s => s.Layer) + 1;
                for (var first = 0; first < windows.Count; first += perBatch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // Each batch of windows is progress of an align unit (the worker's stall rule).
                    UnitProgress.Beat();
                    var batch = windows.Skip(first).Take(perBatch).ToList();
                    Accumulate(a, b, pass, correlations, batch, length, blocks);
                }

                foreach (var site in pass)
                {
                    // Each site's sums go as soon as its group has read them, before a finished group is solved.
                    var scores = similarities[site.Group].Add(site, correlations[site.Key]);
                    correlations[site.Key].Dispose();
                    correlations.Remove(site.Key);
                    if (scores is not null)
                    {
                        UnitProgress.Beat();
                        solved[site.Group] = Solve(site.Group, scores, site.Units, solver);
                    }
                }
            }
            finally
            {
                foreach (var correlation in correlations.Values)
                {
                    correlation.Dispose();
                }
            }
        }

        return new AlignmentResult([.. spec.Groups.Select(g => solved[g.Name])], Sweeps: 1, Converged: true);
    }

    /// <summary>
    /// Where each group of the spec shows its units in a forward pass. A group the llama spec does not define (a
    /// permutation_spec file's own) has no known activations: an error naming it.
    /// </summary>
    internal static IReadOnlyList<ActivationSite> Sites(PermutationSpec spec, LanguageModelConfig config)
    {
        var sites = new List<ActivationSite>();
        foreach (var group in spec.Groups)
        {
            if (group.Name == LlamaPermutationSpec.ResidualGroup)
            {
                CheckWidth(group, config.HiddenSize, 1);
                sites.AddRange(Enumerable.Range(0, config.NumHiddenLayers).Select(i => new ActivationSite(Hidden(i), group.Name, config.HiddenSize, 1, i)));
                continue;
            }

            var match = BlockGroup().Match(group.Name);
            var block = match.Success ? int.Parse(match.Groups["block"].Value, CultureInfo.InvariantCulture) : -1;
            if (block < 0 || block >= config.NumHiddenLayers)
            {
                throw new AlignmentException($"permutation group '{group.Name}' is not one of the llama permutation spec's (residual, model.layers.N.mlp, model.layers.N.self_attn.heads); activation matching of language models knows no activations for it");
            }

            if (match.Groups["part"].Value == "mlp")
            {
                CheckWidth(group, config.IntermediateSize, 1);
                sites.Add(new ActivationSite($"{group.Name}.down_proj", group.Name, config.IntermediateSize, 1, block));
            }
            else
            {
                var width = config.NumAttentionHeads * config.HeadDim;
                CheckWidth(group, width, width / group.Size);
                sites.Add(new ActivationSite(string.Create(CultureInfo.InvariantCulture, $"model.layers.{block}.self_attn.o_proj"), group.Name, width, width / group.Size, block));
            }
        }

        return sites;
    }

    private static void CheckWidth(PermutationGroup group, int width, int block)
    {
        if (block <= 0 || (long)group.Size * block != width)
        {
            throw new AlignmentException($"permutation group '{group.Name}' has {group.Size} units, which do not divide the model's {width} activations of it evenly");
        }
    }

    private static string Hidden(int block) => string.Create(CultureInfo.InvariantCulture, $"hidden.{block}");

    /// <summary>Runs a through <paramref name="blocks"/> blocks, keeps its activations at the pass's sites, then runs b and adds each site's pair to its sums.</summary>
    private static void Accumulate(LlamaForCausalLM a, LlamaForCausalLM b, IReadOnlyList<ActivationSite> sites, Dictionary<string, CrossCorrelation> correlations, List<int[]> batch, int length, int blocks)
    {
        var flat = new long[batch.Count * length];
        for (var w = 0; w < batch.Count; w++)
        {
            for (var t = 0; t < length; t++)
            {
                flat[(w * length) + t] = batch[w][t];
            }
        }

        var kept = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            using var noGrad = no_grad();
            using var input = tensor(flat, [batch.Count, length]);
            void Keep(string key, Tensor x)
            {
                if (correlations.ContainsKey(key))
                {
                    // The callback's tensor dies with the forward's scope; the float64 copy lives until b has run.
                    kept[key] = x.detach().reshape(-1, x.shape[^1]).to(ScalarType.Float64, CPU).DetachFromDisposeScope();
                }
            }

            a.Capture(input, new ActivationCapture { HiddenState = (i, x) => Keep(Hidden(i), x), LinearInput = Keep }, blocks);

            var seen = 0;
            void Pair(string key, Tensor x)
            {
                if (correlations.TryGetValue(key, out var correlation))
                {
                    var reference = kept.GetValueOrDefault(key) ?? throw new InvalidOperationException($"the reference's forward pass showed no activations at {key}");
                    using var scope = NewDisposeScope();
                    correlation.Add(reference, x.detach().reshape(-1, x.shape[^1]));
                    seen++;
                }
            }

            b.Capture(input, new ActivationCapture { HiddenState = (i, x) => Pair(Hidden(i), x), LinearInput = Pair }, blocks);

            if (seen != sites.Count || kept.Count != sites.Count)
            {
                throw new InvalidOperationException($"the forward passes showed {kept.Count} and {seen} of the {sites.Count} activation sites");
            }
        }
        finally
        {
            foreach (var tensor in kept.Values)
            {
                tensor.Dispose();
            }
        }
    }

    private static GroupAlignment Solve(string group, float[] scores, int units, ILinearAssignmentSolver solver)
    {
        var permutation = solver.Solve(scores, units);
        var identity = Enumerable.Range(0, units).ToArray();
        return new GroupAlignment(
            group,
            permutation,
            permutation.Where((from, to) => from != to).Count(),
            AssignmentObjective.Of(scores, units, identity),
            AssignmentObjective.Of(scores, units, permutation));
    }

    [GeneratedRegex(@"^model\.layers\.(?<block>\d+)\.(?<part>mlp|self_attn\.heads)$", RegexOptions.CultureInvariant)]
    private static partial Regex BlockGroup();
}
