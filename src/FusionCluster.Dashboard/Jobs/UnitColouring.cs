using System.Globalization;
using FusionCluster.Dashboard.Charts;
using FusionCluster.Dashboard.Formatting;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Jobs;

/// <summary>
/// The colour of every cell and the legend for one colour mode, computed together from the same cells so the
/// legend's counts always agree with what the grid shows. Duration: five bands of (about) equal counts over the
/// finished units' seconds; silo: one palette colour per silo by name. Cells the mode says nothing about (a
/// duration of an unfinished unit, the silo of one that never ran) are grey.
/// </summary>
public sealed class UnitColouring
{
    /// <summary>Light to dark (a sequential scale, readable in order and for colour-blind readers).</summary>
    public static readonly IReadOnlyList<string> DurationColours = ["#c6dbef", "#6baed6", "#2171b5", "#08519c", "#08306b"];

    public const string NoValueClass = "unit-no-value";

    private readonly UnitColourMode mode;
    private readonly double[] bandUpper = [];
    private readonly Dictionary<string, int> siloIndex = new(StringComparer.Ordinal);

    private UnitColouring(UnitColourMode mode, IReadOnlyList<UnitCell> cells)
    {
        this.mode = mode;
        if (mode == UnitColourMode.Duration)
        {
            var seconds = cells.Where(HasDuration).Select(c => c.Seconds).Order().ToArray();
            if (seconds.Length > 0)
            {
                // Upper bound of each band: the value at 1/5, 2/5, ... of the sorted durations; the last is the maximum.
                bandUpper = Enumerable.Range(1, DurationColours.Count)
                    .Select(b => seconds[Math.Min(seconds.Length - 1, (int)Math.Ceiling(b * seconds.Length / (double)DurationColours.Count) - 1)])
                    .Distinct()
                    .ToArray();
            }
        }
        else if (mode == UnitColourMode.Silo)
        {
            foreach (var (silo, i) in cells.Select(c => c.Silo).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select((s, i) => (s, i)))
            {
                siloIndex[silo] = i;
            }
        }

        Legend = BuildLegend(cells);
    }

    public IReadOnlyList<UnitLegendEntry> Legend { get; }

    public static UnitColouring For(UnitColourMode mode, IReadOnlyList<UnitCell> cells) => new(mode, cells);

    /// <summary>The cell's background as an inline style; empty in state mode (its CSS class colours it).</summary>
    public string StyleFor(UnitCell cell) => ColourOf(cell) is { } colour ? $"background:{colour};color:{TextOn(colour)}" : "";

    /// <summary>Extra CSS class: grey for a cell the mode says nothing about.</summary>
    public string ClassFor(UnitCell cell) => mode != UnitColourMode.State && ColourOf(cell) is null ? NoValueClass : "";

    private string? ColourOf(UnitCell cell) => mode switch
    {
        UnitColourMode.Duration => HasDuration(cell) ? DurationColours[Band(cell.Seconds)] : null,
        UnitColourMode.Silo => cell.Silo is { } silo && siloIndex.TryGetValue(silo, out var i) ? ChartPalette.For(i) : null,
        _ => null,
    };

    private int Band(double seconds)
    {
        for (var b = 0; b < bandUpper.Length; b++)
        {
            if (seconds <= bandUpper[b])
            {
                return b;
            }
        }

        return bandUpper.Length - 1;
    }

    private static bool HasDuration(UnitCell cell) => cell.State == UnitState.Done && cell.Seconds > 0;

    private IReadOnlyList<UnitLegendEntry> BuildLegend(IReadOnlyList<UnitCell> cells)
    {
        switch (mode)
        {
            case UnitColourMode.Duration:
            {
                var counts = new int[bandUpper.Length];
                foreach (var cell in cells.Where(HasDuration))
                {
                    counts[Band(cell.Seconds)]++;
                }

                var entries = bandUpper.Select((upper, b) => new UnitLegendEntry(
                    b == 0 ? $"≤ {Seconds(upper)}" : $"{Seconds(bandUpper[b - 1])} – {Seconds(upper)}", "", DurationColours[b], counts[b])).ToList();
                entries.Add(new UnitLegendEntry("not finished", NoValueClass, null, cells.Count(c => !HasDuration(c))));
                return entries;
            }

            case UnitColourMode.Silo:
            {
                var entries = siloIndex.Select(s => new UnitLegendEntry(s.Key, "", ChartPalette.For(s.Value), cells.Count(c => c.Silo == s.Key))).ToList();
                entries.Add(new UnitLegendEntry("not run yet", NoValueClass, null, cells.Count(c => c.Silo is null)));
                return entries;
            }

            default:
                return
                [
                    new("pending", StateColors.CssClass(UnitState.Pending), null, cells.Count(c => c.State == UnitState.Pending)),
                    new("running", StateColors.CssClass(UnitState.Running), null, cells.Count(c => c.State == UnitState.Running)),
                    new("done", StateColors.CssClass(UnitState.Done), null, cells.Count(c => c.State == UnitState.Done)),
                    new("failed", StateColors.CssClass(UnitState.Failed), null, cells.Count(c => c.State == UnitState.Failed)),
                ];
        }
    }

    private static string Seconds(double seconds) => seconds < 10
        ? string.Create(CultureInfo.InvariantCulture, $"{seconds:0.00} s")
        : Display.Duration(seconds);

    // White text on the darker colours, dark text on the light ones.
    private static string TextOn(string colour) => colour is "#c6dbef" or "#6baed6" ? "#102a43" : "white";
}
