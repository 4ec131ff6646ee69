using System.Globalization;
using FusionCluster.Dashboard.Charts;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Dashboard.Sweeps;

/// <summary>
/// A run's evaluated points as parallel coordinates: one axis per swept parameter (numeric when every value
/// is a number, else categories) and the objective as the last axis; each merge is a line across them,
/// coloured by merge method, the best drawn bold. Reads how parameters combine, which one chart per
/// parameter cannot show. Baselines set no parameter and are left out.
/// </summary>
public sealed class ParallelCoordinates
{
    public ParallelCoordinates(SweepRunDetail run)
    {
        var scored = run.Candidates.Where(c => c.Objective is not null && !c.Baseline && c.SameAs is null)
            .Select(c => (Candidate: c, Values: SweepLabel.Parse(c.Label).ToDictionary(p => p.Path, p => p.Value, StringComparer.Ordinal)))
            .ToList();
        var axes = scored.SelectMany(s => s.Values).GroupBy(p => p.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Axis(g.Key, g.Select(p => p.Value).Distinct(StringComparer.Ordinal).ToList()))
            .ToList();
        var objective = new ParallelAxis(run.ObjectiveMetric, AxisScale.Fit(scored.Select(s => s.Candidate.Objective!.Value)), null);
        Parameters = axes.Count;
        Axes = [.. axes, objective];
        Series = [.. scored.Select(s => SweepRunView.MethodOf(s.Candidate)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        var best = scored.Count == 0 ? null
            : run.Maximize ? scored.MaxBy(s => s.Candidate.Objective!.Value).Candidate
            : scored.MinBy(s => s.Candidate.Objective!.Value).Candidate;
        Lines = [.. scored.OrderBy(s => s.Candidate.Index).Select(s => new ParallelLine(
            $"#{s.Candidate.Index} {s.Candidate.Label}",
            SweepRunView.MethodOf(s.Candidate),
            [.. axes.Select(a => s.Values.TryGetValue(a.Name, out var value) ? a.Fraction(value) : null), objective.Scale!.Fraction(s.Candidate.Objective!.Value)],
            s.Candidate.Objective!.Value,
            ReferenceEquals(s.Candidate, best),
            s.Candidate.JobId.Length > 0 ? $"jobs/{s.Candidate.JobId}" : null))];
    }

    /// <summary>The parameters' axes, then the objective's.</summary>
    public IReadOnlyList<ParallelAxis> Axes { get; }

    /// <summary>How many of <see cref="Axes"/> are parameters.</summary>
    public int Parameters { get; }

    /// <summary>The merge methods, in legend order; a line's colour is its series' index.</summary>
    public IReadOnlyList<string> Series { get; }

    public IReadOnlyList<ParallelLine> Lines { get; }

    private static ParallelAxis Axis(string name, List<string> values)
    {
        var numbers = values.Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : (double?)null).ToList();
        return numbers.All(n => n is not null)
            ? new ParallelAxis(name, AxisScale.Fit(numbers.Select(n => n!.Value)), null)
            : new ParallelAxis(name, null, [.. values.Order(StringComparer.Ordinal)]);
    }
}
