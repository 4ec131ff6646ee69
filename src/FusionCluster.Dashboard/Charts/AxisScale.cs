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

    public string Label(double value) => value.ToString(Math.Abs(Step) >= 1 ? "0.##" : "0.####", CultureInfo.InvariantCulture);

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

    private static double NiceStep(double raw)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var fraction = raw / power;
        var nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }
}
