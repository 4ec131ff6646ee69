using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Dashboard.Sweeps;

/// <summary>
/// The leaderboard as a table a person scans: one column per metric (the objective first), sortable by any
/// of them, with the columns shown chosen by the reader. Rank stays the objective's rank whatever the order.
/// </summary>
public sealed class LeaderboardTable
{
    /// <summary>Sorts by the objective's rank.</summary>
    public const string RankColumn = "";

    private readonly IReadOnlyList<SweepCandidateStatus> ranked;
    private readonly Dictionary<int, int> rankOf;

    public LeaderboardTable(SweepRunView view)
    {
        ranked = view.Leaderboard;
        // Baselines sit among the merges by their objective but take no rank (0): the ranks are the merges'.
        var rank = 0;
        rankOf = ranked.ToDictionary(c => c.Index, c => c.Baseline ? 0 : ++rank);
        Objective = view.Run.ObjectiveMetric;
        Metrics = [Objective, .. ranked.SelectMany(c => c.Metrics.Keys).Where(k => k != Objective).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        Shown = [.. Metrics];
        ShowsPublication = ranked.Any(c => c.Unpublished);
    }

    /// <summary>
    /// Whether the run published only its best (<c>outputs: {publish: best}</c>) and some ranked points were scored
    /// without being written: then a column tells the published merges from those that exist only as metrics.
    /// </summary>
    public bool ShowsPublication { get; }

    public string Objective { get; }

    /// <summary>Every metric any ranked candidate has, the objective first, then by name.</summary>
    public IReadOnlyList<string> Metrics { get; }

    /// <summary>The metric columns shown, in <see cref="Metrics"/> order.</summary>
    public IReadOnlyList<string> Shown { get; private set; }

    public string SortColumn { get; private set; } = RankColumn;

    public bool Descending { get; private set; }

    /// <summary>The merge's rank by the objective, 1 for the best; 0 for a baseline.</summary>
    public int RankOf(SweepCandidateStatus candidate) => rankOf[candidate.Index];

    /// <summary>Sorts by <paramref name="column"/> (a metric, or <see cref="RankColumn"/>); the same column again reverses the order.</summary>
    public void SortBy(string column)
    {
        if (column == SortColumn)
        {
            Descending = !Descending;
            return;
        }

        SortColumn = column;

        // Metrics read best-first by default in the direction most readers expect: large first.
        Descending = column != RankColumn;
    }

    public void Toggle(string metric, bool shown)
    {
        var set = Shown.ToHashSet(StringComparer.Ordinal);
        if (shown)
        {
            set.Add(metric);
        }
        else
        {
            set.Remove(metric);
        }

        Shown = Metrics.Where(set.Contains).ToList();
    }

    /// <summary>The rows in the chosen order; candidates without the sorted metric come last, by rank.</summary>
    public IReadOnlyList<SweepCandidateStatus> Rows()
    {
        if (SortColumn == RankColumn)
        {
            return Descending ? ranked.Reverse().ToList() : ranked;
        }

        var with = ranked.Where(c => c.Metrics.ContainsKey(SortColumn));
        var ordered = Descending ? with.OrderByDescending(c => c.Metrics[SortColumn]) : with.OrderBy(c => c.Metrics[SortColumn]);
        return [.. ordered.ThenBy(RankOf), .. ranked.Where(c => !c.Metrics.ContainsKey(SortColumn))];
    }
}
