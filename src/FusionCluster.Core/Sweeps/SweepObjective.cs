namespace FusionCluster.Core.Sweeps;

/// <summary>The metric a sweep ranks its merges by, and whether higher or lower wins.</summary>
public sealed record SweepObjective(string Metric, ObjectiveDirection Direction)
{
    /// <summary>Words of a metric's name that mean lower is better: losses, errors, distances, perplexities, barriers.</summary>
    private static readonly HashSet<string> LowerIsBetterWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "loss", "losses", "error", "errors", "err", "distance", "perplexity", "ppl", "entropy", "nll", "barrier", "mse", "mae", "rmse", "wer", "cer",
        "divergence", "latency", "bpb",
    };

    /// <summary>
    /// The direction of a metric whose objective names none: minimize when a word of its name before any '/' (split at
    /// <c>_ - .</c> and spaces) says lower is better (<c>perplexity</c>, <c>cross_entropy</c>, <c>l2_distance/ft-1</c>,
    /// <c>eval_loss</c>, <c>loss_barrier</c>), otherwise maximize (<c>accuracy</c>, <c>cosine/ft-1</c>). What follows a
    /// '/' names a reference or a class (<c>cosine/low-loss-ft</c> is a cosine), so it has no say.
    /// </summary>
    public static ObjectiveDirection DefaultDirection(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var family = metric.Split('/')[0];
        return family.Split(['_', '-', '.', ' '], StringSplitOptions.RemoveEmptyEntries).Any(LowerIsBetterWords.Contains)
            ? ObjectiveDirection.Minimize
            : ObjectiveDirection.Maximize;
    }

    /// <summary>
    /// Candidates with a value, best first; equal values keep candidate order (the lower index wins), so
    /// the same metrics always give the same leaderboard.
    /// </summary>
    public IReadOnlyList<int> Rank(IReadOnlyList<double?> values)
    {
        var ranked = Enumerable.Range(0, values.Count).Where(i => values[i] is { } v && !double.IsNaN(v)).ToList();
        ranked.Sort((a, b) =>
        {
            var order = values[a]!.Value.CompareTo(values[b]!.Value);
            if (Direction == ObjectiveDirection.Maximize)
            {
                order = -order;
            }

            return order != 0 ? order : a.CompareTo(b);
        });
        return ranked;
    }
}
