using System.Globalization;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Dashboard.Sweeps;

/// <summary>
/// Two runs of a sweep side by side: the points matched by label, every metric's value in each run and
/// its change (second minus first), and the swept parameters' values in each run, so a changed space or
/// template shows as a difference, not as noise in the metrics.
/// </summary>
public sealed class RunComparison
{
    /// <summary>Changes smaller than this (relative to the larger magnitude) count as none: evaluations of the same merge repeat only to rounding.</summary>
    public const double Tolerance = 1e-9;

    public RunComparison(SweepRunDetail first, SweepRunDetail second)
    {
        (First, Second) = (first, second);

        // The second (usually the newer) run's objective and direction rule; a changed objective is a parameter-like difference shown by the page.
        Objective = second.ObjectiveMetric;
        Maximize = second.Maximize;
        var firstByLabel = Unique(first);
        var secondByLabel = Unique(second);
        Points = [.. secondByLabel.Keys.Union(firstByLabel.Keys, StringComparer.Ordinal)
            .Select(label => new ComparedPoint(label, firstByLabel.GetValueOrDefault(label), secondByLabel.GetValueOrDefault(label)))
            .OrderBy(p => ComparedPoint.Value(p.Second, Objective, Objective) is { } value ? (Maximize ? -value : value) : double.PositiveInfinity)
            .ThenBy(p => ComparedPoint.Value(p.First, Objective, Objective) is { } value ? (Maximize ? -value : value) : double.PositiveInfinity)
            .ThenBy(p => p.Label, StringComparer.Ordinal)];
        Metrics = [Objective, .. Points
            .SelectMany(p => new[] { p.First, p.Second })
            .Where(c => c is not null)
            .SelectMany(c => c!.Metrics.Keys)
            .Where(k => k != Objective)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
        var firstValues = ParameterValues(first);
        var secondValues = ParameterValues(second);
        Parameters = [.. firstValues.Keys.Union(secondValues.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(path => new ComparedParameter(path, firstValues.GetValueOrDefault(path) ?? [], secondValues.GetValueOrDefault(path) ?? []))];
    }

    public SweepRunDetail First { get; }

    public SweepRunDetail Second { get; }

    public string Objective { get; }

    public bool Maximize { get; }

    /// <summary>The objective first, then every other metric either run measured, by name.</summary>
    public IReadOnlyList<string> Metrics { get; }

    /// <summary>Every point of either run, best of the second run first; points only the first run has come last.</summary>
    public IReadOnlyList<ComparedPoint> Points { get; }

    public IReadOnlyList<ComparedParameter> Parameters { get; }

    public bool ObjectiveChanged => First.ObjectiveMetric != Second.ObjectiveMetric || First.Maximize != Second.Maximize;

    /// <summary>The best objective of each run's merges (baselines excluded) and its change.</summary>
    public (double? First, double? Second, double? Delta, DeltaVerdict Verdict) Best
    {
        get
        {
            var a = BestOf(First);
            var b = BestOf(Second);
            return (a, b, a is { } x && b is { } y ? y - x : null, Judge(Objective, a, b));
        }
    }

    public static double? Delta(double? first, double? second) => first is { } a && second is { } b ? b - a : null;

    public DeltaVerdict Verdict(ComparedPoint point, string metric) =>
        Judge(metric, ComparedPoint.Value(point.First, metric, Objective), ComparedPoint.Value(point.Second, metric, Objective));

    public static string Signed(double delta) =>
        (delta > 0 ? "+" : delta < 0 ? "−" : "±") + Math.Abs(delta).ToString(Math.Abs(delta) >= 1000 ? "0" : "0.####", CultureInfo.InvariantCulture);

    /// <param name="higherIsBetter">Null where the good direction is unknown: a move is only <see cref="DeltaVerdict.Changed"/>.</param>
    public static DeltaVerdict Judge(double? first, double? second, bool? higherIsBetter)
    {
        if (first is not { } a || second is not { } b)
        {
            return DeltaVerdict.None;
        }

        if (Math.Abs(b - a) <= Tolerance * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b))))
        {
            return DeltaVerdict.Same;
        }

        return higherIsBetter is not { } up ? DeltaVerdict.Changed
            : (b > a) == up ? DeltaVerdict.Better
            : DeltaVerdict.Worse;
    }

    private DeltaVerdict Judge(string metric, double? first, double? second) => Judge(first, second, metric == Objective ? Maximize : null);

    private double? BestOf(SweepRunDetail run)
    {
        var values = run.Candidates.Where(c => !c.Baseline).Select(c => ComparedPoint.Value(c, Objective, Objective)).OfType<double>().ToList();
        return values.Count == 0 ? null : Maximize ? values.Max() : values.Min();
    }

    /// <summary>A run's candidates by label; a label listed twice (never, unless a space repeats a point) keeps its first.</summary>
    private static Dictionary<string, SweepCandidateStatus> Unique(SweepRunDetail run) =>
        run.Candidates.GroupBy(c => c.Label, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.OrderBy(c => c.Index).First(), StringComparer.Ordinal);

    private static Dictionary<string, IReadOnlyList<string>> ParameterValues(SweepRunDetail run) =>
        run.Candidates.Where(c => !c.Baseline)
            .SelectMany(c => SweepLabel.Parse(c.Label))
            .GroupBy(p => p.Path, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)OrderValues(g.Select(p => p.Value).Distinct(StringComparer.Ordinal)), StringComparer.Ordinal);

    /// <summary>Numbers in numeric order, anything else as text.</summary>
    private static List<string> OrderValues(IEnumerable<string> values)
    {
        var list = values.ToList();
        return list.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            ? [.. list.OrderBy(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture))]
            : [.. list.Order(StringComparer.Ordinal)];
    }
}
