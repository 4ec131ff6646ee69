namespace FusionCluster.Core.Sweeps;

/// <summary>The metric a sweep ranks its merges by, and whether higher or lower wins.</summary>
public sealed record SweepObjective(string Metric, ObjectiveDirection Direction)
{
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
