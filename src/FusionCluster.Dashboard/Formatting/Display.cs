using System.Globalization;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Formatting;

/// <summary>How sizes, rates, durations and progress read on every page (invariant culture, binary units).</summary>
public static class Display
{
    private static readonly string[] ByteUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    public static string Bytes(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < ByteUnits.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {ByteUnits[unit]}");
    }

    /// <summary>"1 unit", "0 units", "12 units": a count with its noun, plural by an s.</summary>
    public static string Count(long count, string noun) => string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? "" : "s")}");

    public static string Rate(double bytesPerSecond) => $"{Bytes((long)bytesPerSecond)}/s";

    public static string Duration(double seconds)
    {
        if (double.IsNaN(seconds) || seconds < 0)
        {
            return "-";
        }

        var span = TimeSpan.FromSeconds(seconds);
        return span.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h {span.Minutes:00}m")
            : span.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m {span.Seconds:00}s")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s");
    }

    /// <summary>Whole percent, rounded down: a job shows 100% only when every unit is done.</summary>
    public static int Percent(int done, int total) => total <= 0 ? 0 : (int)Math.Floor(done * 100.0 / total);

    /// <summary>Seconds left, by the job's pace so far; null when it is not running or has no pace yet.</summary>
    public static double? EtaSeconds(JobState state, int done, int total, double elapsedSeconds) =>
        state is JobState.Running && done > 0 && total > done && elapsedSeconds > 0 ? elapsedSeconds / done * (total - done) : null;

    public static string Eta(JobState state, int done, int total, double elapsedSeconds) =>
        EtaSeconds(state, done, total, elapsedSeconds) is { } eta ? Duration(eta) : state == JobState.Publishing ? "publishing" : "-";

    public static string Time(DateTimeOffset at) => at == default ? "-" : at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>"layer 3" reads "3" in a unit cell, "embeddings" reads "E"; full names are in the cell's tooltip.</summary>
    public static string ShortUnitName(string name)
    {
        var separator = name.LastIndexOfAny([' ', '.']);
        var tail = separator >= 0 ? name[(separator + 1)..] : name;
        return tail.Length > 0 && tail.All(char.IsAsciiDigit) ? tail : tail.Length > 0 ? char.ToUpperInvariant(tail[0]).ToString() : "?";
    }
}
