using System.Globalization;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Dashboard.Sweeps;

/// <summary>What the sweep page draws of one run: its leaderboard and the objective against each parameter.</summary>
public sealed class SweepRunView
{
    public SweepRunView(SweepRunDetail run)
    {
        Run = run;

        // Best first by the objective; candidates that share another's merge (SameAs) are listed once.
        var scored = run.Candidates.Where(c => c.Objective is not null && c.SameAs is null);
        Leaderboard = (run.Maximize
                ? scored.OrderByDescending(c => c.Objective!.Value)
                : scored.OrderBy(c => c.Objective!.Value))
            .ThenBy(c => c.Index)
            .ToList();
        Unscored = run.Candidates.Count(c => c.Objective is null);
        Charts = BuildCharts(run);
    }

    public SweepRunDetail Run { get; }

    public IReadOnlyList<SweepCandidateStatus> Leaderboard { get; }

    /// <summary>Candidates without an objective value (not evaluated yet, or failed).</summary>
    public int Unscored { get; }

    public IReadOnlyList<ParameterChart> Charts { get; }

    private static List<ParameterChart> BuildCharts(SweepRunDetail run)
    {
        var points = run.Candidates
            .Where(c => c.Objective is not null)
            .SelectMany(c => SweepLabel.Parse(c.Label).Select(p => (p.Path, p.Value, Objective: c.Objective!.Value)))
            .ToList();
        var charts = new List<ParameterChart>();
        foreach (var parameter in points.GroupBy(p => p.Path, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var byValue = parameter.GroupBy(p => p.Value, StringComparer.Ordinal).ToList();
            var numeric = byValue.All(g => double.TryParse(g.Key, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
            var ordered = numeric
                ? byValue.OrderBy(g => double.Parse(g.Key, NumberStyles.Float, CultureInfo.InvariantCulture)).ToList()
                : byValue.OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            charts.Add(new ParameterChart(
                parameter.Key,
                ordered.Select(g => g.Key).ToList(),
                ordered.Select(g => run.Maximize ? g.Max(p => p.Objective) : g.Min(p => p.Objective)).ToArray(),
                ordered.Select(g => g.Average(p => p.Objective)).ToArray()));
        }

        return charts;
    }
}
