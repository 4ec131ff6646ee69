namespace FusionCluster.Dashboard.Charts;

/// <summary>
/// One vertical axis of a parallel-coordinates chart: a numeric scale fitted to the values, or categories
/// spread evenly (a merge method, a list value).
/// </summary>
public sealed record ParallelAxis(string Name, AxisScale? Scale, IReadOnlyList<string>? Categories)
{
    /// <summary>Where a value sits on the axis, 0 at the bottom and 1 at the top; null when the value is not on it.</summary>
    public double? Fraction(string value)
    {
        if (Categories is { } categories)
        {
            var index = categories.ToList().IndexOf(value);
            return index < 0 ? null : categories.Count == 1 ? 0.5 : (double)index / (categories.Count - 1);
        }

        return double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? Scale!.Fraction(number)
            : null;
    }

    /// <summary>The labels along the axis with their fractions: the categories, or the scale's ticks.</summary>
    public IReadOnlyList<(double Fraction, string Label)> Ticks =>
        Categories is { } categories
            ? [.. categories.Select((c, i) => (categories.Count == 1 ? 0.5 : (double)i / (categories.Count - 1), c))]
            : [.. Scale!.Ticks.Select(t => (Scale.Fraction(t), Scale.Label(t)))];
}
