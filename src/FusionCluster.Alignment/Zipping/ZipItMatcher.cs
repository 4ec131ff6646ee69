namespace FusionCluster.Alignment.Zipping;

/// <summary>
/// ZipIt!'s greedy matching (Stoica et al. 2023, "zip" operation): start with the 2n features of both models as
/// their own clusters, then repeatedly merge the two clusters with the highest similarity until n remain. A
/// merged cluster's similarity to another is the smaller of its parts' (so every member must agree). Pairs within
/// one model are allowed, but only ⌊β·n/2⌋ times per model; after that model's budget is spent its within-model
/// pairs are excluded. After every merge the new cluster's similarities are scaled by α, which holds back a
/// cluster from growing further; α = 0 forbids it to grow at all (as gstoica27/ZipIt's match_tensors_zipit does,
/// where α ≤ 0 sets them to −∞ rather than to 0, which could still win over negative correlations). Ties go to the
/// lowest (row, column) pair; a merged cluster keeps the position of its lower-numbered part, and clusters are
/// numbered by that position. One difference from the reference: a model whose budget is zero from the start
/// (⌊β·n/2⌋ = 0) makes no within-model merge at all, where the reference lets one through before it checks.
/// </summary>
public static class ZipItMatcher
{
    /// <param name="correlation">[2n, 2n] row-major: a's features first, then b's.</param>
    public static FeatureClusters Match(double[] correlation, int featuresPerModel, ZipItOptions options)
    {
        ArgumentNullException.ThrowIfNull(correlation);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var total = 2 * featuresPerModel;
        if (correlation.Length != total * total)
        {
            throw new ArgumentException($"{featuresPerModel} features per model need a {total}×{total} correlation matrix, got {correlation.Length} entries", nameof(correlation));
        }

        var similarity = (double[])correlation.Clone();
        var alive = Enumerable.Repeat(true, total).ToArray();
        var origin = Enumerable.Range(0, total).Select(f => f < featuresPerModel ? 0 : 1).ToArray();
        var owner = Enumerable.Range(0, total).ToArray();
        var budget = new int[2];
        Array.Fill(budget, (int)Math.Floor((featuresPerModel / 2) * options.Beta + 1e-9));
        for (var i = 0; i < total; i++)
        {
            similarity[(i * total) + i] = double.NegativeInfinity;
        }

        for (var model = 0; model < 2; model++)
        {
            if (budget[model] == 0)
            {
                ExcludeWithin(similarity, alive, origin, model, total);
            }
        }

        for (var clusters = total; clusters > featuresPerModel; clusters--)
        {
            var (keep, absorb) = BestPair(similarity, alive, total);
            for (var f = 0; f < total; f++)
            {
                if (owner[f] == absorb)
                {
                    owner[f] = keep;
                }
            }

            alive[absorb] = false;
            for (var other = 0; other < total; other++)
            {
                if (alive[other] && other != keep)
                {
                    var merged = Math.Min(similarity[(keep * total) + other], similarity[(absorb * total) + other]);
                    similarity[(keep * total) + other] = merged;
                    similarity[(other * total) + keep] = merged;
                }
            }

            for (var other = 0; other < total; other++)
            {
                // Excluded pairs stay excluded (−∞ · 0 would be NaN).
                if (other != keep && double.IsFinite(similarity[(keep * total) + other]))
                {
                    var scaled = options.Alpha > 0 ? similarity[(keep * total) + other] * options.Alpha : double.NegativeInfinity;
                    similarity[(keep * total) + other] = scaled;
                    similarity[(other * total) + keep] = scaled;
                }
            }

            if (origin[keep] == origin[absorb] && --budget[origin[keep]] <= 0)
            {
                ExcludeWithin(similarity, alive, origin, origin[keep], total);
            }
        }

        var survivors = Enumerable.Range(0, total).Where(f => alive[f]).ToList();
        var clusterOf = owner.Select(o => survivors.IndexOf(o)).ToArray();
        return new FeatureClusters(clusterOf, survivors.Count);
    }

    private static (int Keep, int Absorb) BestPair(double[] similarity, bool[] alive, int total)
    {
        var best = double.NegativeInfinity;
        (int, int) pair = (-1, -1);
        for (var i = 0; i < total; i++)
        {
            for (var j = i + 1; alive[i] && j < total; j++)
            {
                if (alive[j] && (pair.Item1 < 0 || similarity[(i * total) + j] > best))
                {
                    best = similarity[(i * total) + j];
                    pair = (i, j);
                }
            }
        }

        return pair;
    }

    private static void ExcludeWithin(double[] similarity, bool[] alive, int[] origin, int model, int total)
    {
        for (var i = 0; i < total; i++)
        {
            for (var j = 0; j < total; j++)
            {
                if (i != j && origin[i] == model && origin[j] == model)
                {
                    similarity[(i * total) + j] = double.NegativeInfinity;
                }
            }
        }
    }
}
