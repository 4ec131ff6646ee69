using FusionCluster.Connectivity.Matching;

namespace FusionCluster.Connectivity.LanguageModels;

/// <summary>
/// Splits llama activation matching into passes over the data, each holding the correlation sums of some of the
/// activation sites, so that an align unit's correlation state stays within a budget however many blocks the model
/// has (at 7B widths one block's sums are ~1.2 GiB, all 32 blocks' ~37 GiB). Every pass runs both models forward
/// again, through the last block it needs: recomputing activations costs less than holding every block's sums.
/// <para>
/// A pass's state: its sites' sums (<see cref="CrossCorrelation.StateBytes"/>), the running float64 similarity of
/// every group with sites in more than one block (the residual stream: hidden² doubles, held by every pass), and
/// the float scores of the largest group the pass finishes (built while its sums still exist, then solved). Passes
/// take whole blocks in order while they fit, so the residual's per-block correlations are added in the order one
/// pass adds them; a block too large for the budget is split between its sites, and a site whose state alone
/// exceeds the budget gets a pass of its own (the budget cannot be kept below one site).
/// </para>
/// </summary>
internal static class CorrelationPasses
{
    /// <summary>The sites of each pass, in the order they run; every site in exactly one pass.</summary>
    public static IReadOnlyList<IReadOnlyList<ActivationSite>> Plan(IReadOnlyList<ActivationSite> sites, long budgetBytes)
    {
        ArgumentNullException.ThrowIfNull(sites);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(budgetBytes);
        var held = HeldBytes(sites);
        var passes = new List<IReadOnlyList<ActivationSite>>();
        var pass = new List<ActivationSite>();
        bool Fits(IEnumerable<ActivationSite> more) => StateBytes(held, [.. pass, .. more]) <= budgetBytes;
        void Close()
        {
            if (pass.Count > 0)
            {
                passes.Add(pass);
                pass = [];
            }
        }

        // Whole blocks while they fit (a pass then runs the models through as few blocks as it can); a block that
        // fits no pass alone is split between its sites.
        foreach (var layer in sites.Select((s, i) => (Site: s, Index: i)).GroupBy(s => s.Site.Layer).OrderBy(g => g.Key))
        {
            var block = layer.OrderBy(s => s.Index).Select(s => s.Site).ToList();
            if (!Fits(block))
            {
                Close();
            }

            if (Fits(block))
            {
                pass.AddRange(block);
                continue;
            }

            foreach (var site in block)
            {
                if (!Fits([site]))
                {
                    Close();
                }

                pass.Add(site);
            }
        }

        Close();
        return passes;
    }

    /// <summary>The correlation state a pass over <paramref name="pass"/> holds at most, with <paramref name="held"/> held throughout.</summary>
    public static long StateBytes(long held, IReadOnlyList<ActivationSite> pass)
    {
        ArgumentNullException.ThrowIfNull(pass);
        return held + pass.Sum(s => CrossCorrelation.StateBytes(s.Width, s.Width)) + pass.Select(ScoreBytes).DefaultIfEmpty(0).Max();
    }

    /// <summary>The most correlation state any pass of <see cref="Plan"/> holds.</summary>
    public static long PeakBytes(IReadOnlyList<ActivationSite> sites, long budgetBytes)
    {
        var held = HeldBytes(sites);
        return Plan(sites, budgetBytes).Max(p => StateBytes(held, p));
    }

    /// <summary>Running similarities of groups with sites in several passes' reach (the residual stream), held throughout.</summary>
    public static long HeldBytes(IReadOnlyList<ActivationSite> sites) =>
        sites.GroupBy(s => s.Group, StringComparer.Ordinal).Where(g => g.Count() > 1).Sum(g => 8L * g.First().Units * g.First().Units);

    private static long ScoreBytes(ActivationSite site) => 4L * site.Units * site.Units;
}
