using System.Globalization;
using System.Text.RegularExpressions;
using FusionCluster.Dashboard.Charts;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Dashboard.Sweeps;

/// <summary>What the sweep page draws of one run: its leaderboard and the objective against each parameter.</summary>
public sealed partial class SweepRunView
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
        Parallel = new ParallelCoordinates(run);
    }

    public SweepRunDetail Run { get; }

    public IReadOnlyList<SweepCandidateStatus> Leaderboard { get; }

    /// <summary>Candidates without an objective value (not evaluated yet, or failed).</summary>
    public int Unscored { get; }

    public IReadOnlyList<ParameterChart> Charts { get; }

    /// <summary>Every evaluated merge across all parameters at once.</summary>
    public ParallelCoordinates Parallel { get; }

    /// <summary>The candidate's merge method: swept (merge_method=...) or the template's, read from its spec.</summary>
    public static string MethodOf(SweepCandidateStatus candidate)
    {
        if (SweepLabel.Parse(candidate.Label).FirstOrDefault(p => p.Path == "merge_method") is { Value.Length: > 0 } swept)
        {
            return swept.Value;
        }

        return MethodLine().Match(candidate.SpecText) is { Success: true } line ? line.Groups["method"].Value.Trim('"', '\'') : "merge";
    }

    /// <summary>
    /// The name a connect sweep's point is published under (run-NNNNNN-point-III, the last segment of its location): the
    /// Connectivity page shows it when the dashboard's ConnectResults is the sweep's &lt;out&gt;/connect.
    /// </summary>
    public static string ConnectResultName(SweepCandidateStatus candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var location = candidate.MergeOutput.TrimEnd('/', '\\');
        return location[(location.LastIndexOfAny(['/', '\\']) + 1)..];
    }

    private static List<ParameterChart> BuildCharts(SweepRunDetail run)
    {
        var points = run.Candidates
            .Where(c => c.Objective is not null && !c.Baseline)
            .SelectMany(c => SweepLabel.Parse(c.Label).Select(p => (p.Path, p.Value, Objective: c.Objective!.Value, Method: MethodOf(c), Candidate: c)))
            .ToList();
        var charts = new List<ParameterChart>();
        foreach (var parameter in points.GroupBy(p => p.Path, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var byValue = parameter.GroupBy(p => p.Value, StringComparer.Ordinal).ToList();
            var numeric = byValue.All(g => double.TryParse(g.Key, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
            var ordered = numeric
                ? byValue.OrderBy(g => double.Parse(g.Key, NumberStyles.Float, CultureInfo.InvariantCulture)).ToList()
                : byValue.OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            var categories = numeric ? null : ordered.Select(g => g.Key).ToList();
            double XOf(string value) => numeric ? double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture) : categories!.IndexOf(value);
            var series = parameter.GroupBy(p => p.Method, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ChartSeriesData(g.Key, g.Select(p => new ChartPoint(XOf(p.Value), p.Objective, $"#{p.Candidate.Index} {p.Candidate.Label}", p.Candidate.JobId.Length > 0 ? $"jobs/{p.Candidate.JobId}" : null)).ToList()))
                .ToList();

            // A line means something where it moves along this parameter alone: a series with one point per value (a grid
            // over this parameter, the others fixed). A grid over several parameters repeats each value with the others'
            // values, and joining those drew a zig-zag through unrelated merges; a random space draws a new value per point.
            // Either is left as a scatter.
            var connect = byValue.Count < parameter.Count() && series.TrueForAll(s => s.Points.Select(p => p.X).Distinct().Count() == s.Points.Count);

            // Each evaluated baseline as a reference line across the axis: what the merges must beat.
            var (first, last) = (XOf(ordered[0].Key), XOf(ordered[^1].Key));
            series.AddRange(run.Candidates.Where(c => c.Baseline && c.Objective is not null).Select(c => new ChartSeriesData(
                c.Label, [new ChartPoint(first, c.Objective!.Value, $"#{c.Index} {c.Label}"), new ChartPoint(last, c.Objective!.Value, $"#{c.Index} {c.Label}")], Reference: true)));

            charts.Add(new ParameterChart(
                parameter.Key,
                ordered.Select(g => g.Key).ToList(),
                ordered.Select(g => run.Maximize ? g.Max(p => p.Objective) : g.Min(p => p.Objective)).ToArray(),
                ordered.Select(g => g.Average(p => p.Objective)).ToArray(),
                series,
                categories,
                connect));
        }

        return charts;
    }

    [GeneratedRegex(@"^merge_method:\s*(?<method>\S+)", RegexOptions.Multiline)]
    private static partial Regex MethodLine();
}
