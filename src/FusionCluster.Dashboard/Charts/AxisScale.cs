using System.Globalization;

namespace FusionCluster.Dashboard.Charts;

/// <summary>
/// A numeric axis fitted to the data: "nice" bounds and ticks (steps of 1, 2, 2.5 or 5 times a power of ten)
/// that contain every value, so accuracies of 0.5-0.83 get 0.5-0.9, not a fixed 0-20.
/// </summary>
public sealed record AxisScale(double Min, double Max, double Step)
{
    public IReadOnlyList<double> Ticks
    {
        get
        {
            var ticks = new List<double>();
            for (var i = 0; Min + (i * Step) <= Max + (Step * 1e-9) && i < 100; i++)
            {
                ticks.Add(Math.Round(Min + (i * Step), 12));
            }

            return ticks;
        }
    }

    /// <summary>Where <paramref name="value"/> lies between Min (0) and Max (1).</summary>
    public double Fraction(double value) => Max > Min ? (value - Min) / (Max - Min) : 0.5;

    /// <summary>
    /// As many decimals as the step needs (at least two, or four below a step of 1, for the values of points), so
    /// consecutive ticks never read the same: a step of 0.00001 on 0.83001..0.83004 would otherwise print "0.83" five times.
    /// </summary>
    public string Label(double value) =>
        value.ToString("0." + new string('#', Math.Max(Math.Abs(Step) >= 1 ? 2 : 4, StepDecimals(Step))), CultureInfo.InvariantCulture);

    /// <param name="targetTicks">About how many ticks (at least 2).</param>
    public static AxisScale Fit(IEnumerable<double> values, int targetTicks = 5)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count == 0)
        {
            return new AxisScale(0, 1, 0.25);
        }

        var (low, high) = (finite.Min(), finite.Max());
        if (low == high)
        {
            // One value: a window around it, so it sits mid-axis.
            var pad = low == 0 ? 1 : Math.Abs(low) * 0.1;
            (low, high) = (low - pad, high + pad);
        }

        var step = NiceStep((high - low) / Math.Max(1, targetTicks - 1));
        return new AxisScale(Math.Floor((low / step) + 1e-9) * step, Math.Ceiling((high / step) - 1e-9) * step, step);
    }

    /// <summary>The decimals that write <paramref name="step"/> exactly (0.025: 3), at most 15.</summary>
    private static int StepDecimals(double step)
    {
        var scaled = Math.Abs(step);
        for (var decimals = 0; decimals < 15; decimals++, scaled *= 10)
        {
            if (Math.Abs(scaled - Math.Round(scaled)) < 1e-6 * Math.Max(1, scaled))
            {
                return decimals;
            }
        }

        return 15;
    }

    private static double NiceStep(double raw)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var fraction = raw / power;
        var nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }
}
