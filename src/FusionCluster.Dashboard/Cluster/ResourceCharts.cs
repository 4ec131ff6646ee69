using System.Globalization;
using FusionCluster.Dashboard.Charts;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Cluster;

/// <summary>
/// Silos' CPU, memory and GPU over a window, one series per silo, ready for the time charts: X is minutes from
/// <c>origin</c> (negative for "minutes ago" on the overview, positive for "minutes into the job"). The GPU charts
/// are empty where no silo reported a GPU.
/// </summary>
public sealed record ResourceCharts(
    IReadOnlyList<ChartSeriesData> Cpu,
    IReadOnlyList<ChartSeriesData> Memory,
    string MemoryUnit,
    IReadOnlyList<ChartSeriesData> GpuMemory,
    IReadOnlyList<ChartSeriesData> GpuUtilization)
{
    public bool IsEmpty => Cpu.Count == 0;

    public bool HasGpu => GpuMemory.Count > 0 || GpuUtilization.Count > 0;

    /// <summary>The most points any one series has (charts leave out the dots of dense ones).</summary>
    public int MostPoints => Cpu.Concat(GpuUtilization).Select(s => s.Points.Count).DefaultIfEmpty(0).Max();

    /// <param name="only">The silos to show (a job's); all when null.</param>
    public static ResourceCharts Build(
        IReadOnlyList<SiloResourceHistory> silos, DateTimeOffset from, DateTimeOffset to, DateTimeOffset origin, IReadOnlyCollection<string>? only = null)
    {
        var windows = silos
            .Where(s => only is null || only.Contains(s.Silo))
            .Select(s => (s.Silo, Samples: s.Samples.Where(x => x.At >= from && x.At <= to).ToList()))
            .Where(s => s.Samples.Count > 0)
            .ToList();

        // Memory in GiB once any silo passes 2 GiB, else MiB, so small silos do not read 0.01.
        var gib = windows.SelectMany(w => w.Samples).Any(x => x.WorkingSetBytes >= 2L << 30 || x.GpuMemoryBytes >= 2L << 30);
        var (unit, scale) = gib ? ("GiB", 1024.0 * 1024 * 1024) : ("MiB", 1024.0 * 1024);

        return new ResourceCharts(
            Series(windows, origin, x => x.CpuPercent, v => Number(v, "0.#") + " %"),
            Series(windows, origin, x => x.WorkingSetBytes / scale, v => Number(v, "0.##") + " " + unit),
            unit,
            Series(windows, origin, x => x.GpuMemoryBytes / scale, v => Number(v, "0.##") + " " + unit),
            Series(windows, origin, x => x.GpuUtilizationPercent, v => Number(v, "0.#") + " %"));
    }

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static List<ChartSeriesData> Series(
        List<(string Silo, List<SiloResourceSample> Samples)> windows, DateTimeOffset origin, Func<SiloResourceSample, double?> value, Func<double, string> text) =>
        [.. windows
            .Select(w => new ChartSeriesData(w.Silo, [.. w.Samples
                .Where(x => value(x) is not null)
                .Select(x => new ChartPoint(
                    (x.At - origin).TotalMinutes,
                    value(x)!.Value,
                    string.Create(CultureInfo.InvariantCulture, $"{x.At.ToUniversalTime():HH:mm:ss} UTC, {text(value(x)!.Value)}{(x.Readings > 1 ? $" (over {x.Readings} readings)" : "")}")))]))
            .Where(s => s.Points.Count > 0)];
}
