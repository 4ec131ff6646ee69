using System.Globalization;
using FusionCluster.Connectivity.LanguageModels;

namespace FusionCluster.Connectivity.Tests.LanguageModels;

/// <summary>
/// How llama activation matching splits its correlation state into passes: whole blocks while they fit the budget,
/// sites of a block when one block does not, a site alone when nothing smaller exists. Figures are computed by hand
/// from the widths: a site of width w holds 8·(w² + 4w) bytes of sums, the residual's running similarity 8·hidden²,
/// and a pass the float scores (4·units²) of its largest group.
/// </summary>
public sealed class CorrelationPassesTests
{
    private const long GiB = 1L << 30;

    [Fact]
    public void At_7B_widths_a_unit_budget_of_2_GiB_holds_one_block_per_pass()
    {
        var sites = Sites(blocks: 32, hidden: 4096, ffn: 11008, kvHeads: 8);

        var passes = CorrelationPasses.Plan(sites, 2 * GiB);

        Assert.Equal(32, passes.Count);
        Assert.All(passes.Select((p, i) => (Pass: p, Layer: i)), p => Assert.Equal([$"hidden.{p.Layer}", $"heads.{p.Layer}", $"mlp.{p.Layer}"], p.Pass.Select(s => s.Key)));
        // residual 8·4096² + sums 8·(4096² + 4·4096)·2 + 8·(11008² + 4·11008) + the FFN's scores 4·11008²
        const long expected = 134_217_728 + (2 * 134_348_800) + 969_760_768 + 484_704_256;
        Assert.Equal(expected, CorrelationPasses.PeakBytes(sites, 2 * GiB));
        Assert.Equal(1.73, expected / (double)GiB, 2);
    }

    [Fact]
    public void A_block_larger_than_the_budget_is_split_between_its_sites_and_passes_stay_in_block_order()
    {
        var sites = Sites(blocks: 3, hidden: 4096, ffn: 11008, kvHeads: 8);

        // 1.5 GiB: a whole block (1.73 GiB) does not fit, the FFN's sums and scores with the residual (1.48 GiB) do.
        var passes = CorrelationPasses.Plan(sites, 3 * GiB / 2);

        Assert.Equal(
            ["hidden.0 heads.0", "mlp.0", "hidden.1 heads.1", "mlp.1", "hidden.2 heads.2", "mlp.2"],
            passes.Select(p => string.Join(' ', p.Select(s => s.Key))));
    }

    [Fact]
    public void A_budget_below_one_site_gives_every_site_a_pass_of_its_own_and_no_budget_one_pass()
    {
        var sites = Sites(blocks: 2, hidden: 16, ffn: 24, kvHeads: 2);

        Assert.Equal(sites.OrderBy(s => s.Layer).Select(s => s.Key), CorrelationPasses.Plan(sites, 1).Select(p => Assert.Single(p).Key));
        Assert.Equal(sites.Count, Assert.Single(CorrelationPasses.Plan(sites, long.MaxValue)).Count);
    }

    [Fact]
    public void Two_tiny_blocks_fit_one_block_per_pass_at_exactly_one_blocks_state()
    {
        var sites = Sites(blocks: 2, hidden: 16, ffn: 24, kvHeads: 2);
        // residual 8·16² + 8·(16² + 64)·2 + 8·(24² + 96) + scores 4·24²
        const long oneBlock = 2048 + (2 * 2560) + 5376 + 2304;

        Assert.Equal(2, CorrelationPasses.Plan(sites, oneBlock).Count);
        Assert.Single(CorrelationPasses.Plan(sites, oneBlock + 2560 + 2560 + 5376));
        Assert.Equal(oneBlock, CorrelationPasses.PeakBytes(sites, oneBlock));
    }

    /// <summary>The sites a llama's groups show at, in the llama spec's order (residual first, then per block heads and FFN).</summary>
    internal static IReadOnlyList<ActivationSite> Sites(int blocks, int hidden, int ffn, int kvHeads)
    {
        var sites = Enumerable.Range(0, blocks).Select(b => new ActivationSite(Name("hidden", b), "residual", hidden, 1, b)).ToList();
        foreach (var b in Enumerable.Range(0, blocks))
        {
            sites.Add(new ActivationSite(Name("heads", b), Name("heads-group", b), hidden, hidden / kvHeads, b));
            sites.Add(new ActivationSite(Name("mlp", b), Name("mlp-group", b), ffn, 1, b));
        }

        return sites;
    }

    private static string Name(string prefix, int block) => string.Create(CultureInfo.InvariantCulture, $"{prefix}.{block}");
}
