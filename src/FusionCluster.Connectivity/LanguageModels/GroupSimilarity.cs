using FusionCluster.Connectivity.Matching;

namespace FusionCluster.Connectivity.LanguageModels;

/// <summary>
/// One permutation group's similarity, unit against unit, built from its sites' correlations as passes finish them:
/// unit pair (i, j) scores the mean over the group's sites of the mean over a unit's dimensions d of
/// corr(a[i·block + d], b[j·block + d]). Correlations are read a band of rows at a time, so only the band and
/// (for a group of several sites, the residual stream) a float64 running sum are held; the last site turns the sum
/// into the float scores the assignment solver reads. Sites are added in one fixed order, whatever the passes.
/// </summary>
internal sealed class GroupSimilarity(int units, int sites)
{
    /// <summary>A band of correlation rows holds about this many float64s (32 MiB).</summary>
    private const long BandElements = 4L << 20;

    private double[]? sums;
    private int seen;

    /// <summary>Adds one site's correlations; after the group's last site, its scores (row-major units × units), else null.</summary>
    public float[]? Add(ActivationSite site, CrossCorrelation correlation)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(correlation);
        if (site.Units != units || seen == sites)
        {
            throw new InvalidOperationException($"site {site.Key} does not fit its group's similarity ({units} units, {seen} of {sites} sites added)");
        }

        var last = ++seen == sites;
        var scores = last ? new float[(long)units * units] : null;
        if (!last)
        {
            sums ??= new double[(long)units * units];
        }

        var running = sums;
        var width = site.Width;
        var perBand = (int)Math.Clamp(BandElements / ((long)site.Block * width), 1, units);
        // One band buffer for the whole site: bands are read into it in turn, not allocated one by one.
        var band = new double[(long)perBand * site.Block * width];
        for (var first = 0; first < units; first += perBand)
        {
            var count = Math.Min(perBand, units - first);
            correlation.CorrelationRows(first * site.Block, count * site.Block, band);
            for (var i = 0; i < count; i++)
            {
                for (var j = 0; j < units; j++)
                {
                    double sum = 0;
                    for (var d = 0; d < site.Block; d++)
                    {
                        sum += band[((long)((i * site.Block) + d) * width) + (j * site.Block) + d];
                    }

                    var index = ((long)(first + i) * units) + j;
                    var value = (running?[index] ?? 0.0) + (sum / site.Block / sites);
                    if (scores is not null)
                    {
                        scores[index] = (float)value;
                    }
                    else
                    {
                        running![index] = value;
                    }
                }
            }
        }

        if (last)
        {
            sums = null;
        }

        return scores;
    }
}
