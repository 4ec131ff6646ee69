using System.Globalization;
using System.Text.RegularExpressions;
using FusionCluster.Alignment;
using FusionCluster.Alignment.Assignment;
using FusionCluster.Alignment.Matching;
using FusionCluster.Alignment.Specs;
using FusionCluster.Connectivity.Matching;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Storage;
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
        Task AccumulatePass(IReadOnlyList<ActivationSite> pass, Dictionary<string, CrossCorrelation> correlations, IReadOnlyList<Tensor> batches)
        {
            var blocks = pass.Max(s => s.Layer) + 1;
            foreach (var batch in batches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Each batch of windows is progress of an align unit (the worker's stall rule).
                UnitProgress.Beat();
                var pairs = new BatchPairs(correlations);
                try
                {
                    a.Capture(batch, pairs.Keep, blocks);
                    b.Capture(batch, pairs.Pair, blocks);
                    pairs.CheckAll(pass.Count);
                }
                finally
                {
                    pairs.Dispose();
                }
            }

            return Task.CompletedTask;
        }

        // Every pass completes synchronously: nothing here awaits.
        return MatchInPassesAsync(a.Config, b.Config, spec, ids, context, samples, seed, solver, stateBudgetBytes, AccumulatePass, cancellationToken).GetAwaiter().GetResult();
    }

    /// <summary>
    /// What <see cref="Match"/> finds on the models loaded from <paramref name="a"/> and <paramref name="b"/>, bit for
    /// bit, with one decoder block of each model in memory at a time (<see cref="LlamaBlockStream"/>) instead of both
    /// whole float32 models: each block of both models is read, runs over every batch of windows (a's activations at
    /// the pass's sites kept for one batch until b's block has run on it) and is released. Between blocks the hidden
    /// states of all windows stay, samples × context × hidden float32 per model. Passes continue where the previous one
    /// stopped instead of running the models from the start again; only a block split between passes is run again, from
    /// the embeddings. Each site's sums add the same batches in the same order as <see cref="Match"/>'s.
    /// </summary>
    public static async Task<AlignmentResult> MatchStreamedAsync(
        ICheckpoint a, string aName, ICheckpoint b, string bName, PermutationSpec spec, IReadOnlyList<int> ids, int context, int samples, int seed, ILinearAssignmentSolver solver, long stateBudgetBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var (configA, _) = LanguageModelCheckpoint.ReadConfig(a, aName);
        var (configB, _) = LanguageModelCheckpoint.ReadConfig(b, bName);
        LlamaBlockStream? streamA = null;
        LlamaBlockStream? streamB = null;
        async Task AccumulatePass(IReadOnlyList<ActivationSite> pass, Dictionary<string, CrossCorrelation> correlations, IReadOnlyList<Tensor> batches)
        {
            if (streamA is null || streamB is null || streamA.BlocksRun > pass.Min(s => s.Layer))
            {
                streamA?.Dispose();
                streamB?.Dispose();
                streamB = null;
                streamA = await LlamaBlockStream.StartAsync(a, aName, batches, cancellationToken);
                streamB = await LlamaBlockStream.StartAsync(b, bName, batches, cancellationToken);
            }

            for (var block = streamA.BlocksRun; block <= pass.Max(s => s.Layer); block++)
            {
                await streamA.LoadAsync(block, cancellationToken);
                await streamB.LoadAsync(block, cancellationToken);
                var sites = pass.Count(s => s.Layer == block);
                for (var batch = 0; batch < batches.Count; batch++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // Each batch of windows through each block is progress of an align unit (the worker's stall rule).
                    UnitProgress.Beat();
                    var pairs = new BatchPairs(correlations);
                    try
                    {
                        streamA.Run(batch, pairs.Keep);
                        streamB.Run(batch, pairs.Pair);
                        pairs.CheckAll(sites);
                    }
                    finally
                    {
                        pairs.Dispose();
                    }
                }

                streamA.Release();
                streamB.Release();
            }
        }

        try
        {
            return await MatchInPassesAsync(configA, configB, spec, ids, context, samples, seed, solver, stateBudgetBytes, AccumulatePass, cancellationToken);
        }
        finally
        {
            streamA?.Dispose();
            streamB?.Dispose();
        }
    }

    /// <summary>
    /// The passes of <see cref="CorrelationPasses.Plan"/> over the windows, each pass's sums filled by
    /// <paramref name="accumulatePass"/> (every batch in order), then read by their groups, which are solved once complete.
    /// </summary>
    private static async Task<AlignmentResult> MatchInPassesAsync(
        LanguageModelConfig a,
        LanguageModelConfig b,
        PermutationSpec spec,
        IReadOnlyList<int> ids,
        int context,
        int samples,
        int seed,
        ILinearAssignmentSolver solver,
        long stateBudgetBytes,
        Func<IReadOnlyList<ActivationSite>, Dictionary<string, CrossCorrelation>, IReadOnlyList<Tensor>, Task> accumulatePass,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(solver);
        var vocabulary = Math.Min(a.VocabSize, b.VocabSize);
        if (ids.Where(id => id < 0 || id >= vocabulary).Select(id => (int?)id).FirstOrDefault() is { } outside)
        {
            throw new LanguageModelException($"token id {outside} is outside the models' vocabulary of {vocabulary}: the tokenizer does not belong to these models");
        }

        var sites = Sites(spec, a);
        var windows = TokenSamples.Draw(ids, context, samples, seed);
        var length = windows[0].Length;
        // Batches are sized by every site, whatever the pass holds: each site's sums then add the same batches in any plan.
        var perBatch = (int)Math.Clamp(BatchActivationBytes / (8L * length * sites.Sum(s => (long)s.Width)), 1, 64);
        var batches = new List<Tensor>();
        for (var first = 0; first < windows.Count; first += perBatch)
        {
            batches.Add(Batch([.. windows.Skip(first).Take(perBatch)], length));
        }

        var similarities = spec.Groups.ToDictionary(g => g.Name, g => new GroupSimilarity(g.Size, sites.Count(s => s.Group == g.Name)), StringComparer.Ordinal);
        var solved = new Dictionary<string, GroupAlignment>(StringComparer.Ordinal);
        try
        {
            foreach (var pass in CorrelationPasses.Plan(sites, stateBudgetBytes))
            {
                var correlations = pass.ToDictionary(s => s.Key, s => new CrossCorrelation(s.Width, s.Width), StringComparer.Ordinal);
                try
                {
                    await accumulatePass(pass, correlations, batches);
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
        }
        finally
        {
            foreach (var batch in batches)
            {
                batch.Dispose();
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

    internal static string Hidden(int block) => string.Create(CultureInfo.InvariantCulture, $"hidden.{block}");

    /// <summary>The windows (each <paramref name="length"/> tokens) as input ids [windows, length].</summary>
    private static Tensor Batch(List<int[]> batch, int length)
    {
        var flat = new long[batch.Count * length];
        for (var w = 0; w < batch.Count; w++)
        {
            for (var t = 0; t < length; t++)
            {
                flat[(w * length) + t] = batch[w][t];
            }
        }

        return tensor(flat, [batch.Count, length]);
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
