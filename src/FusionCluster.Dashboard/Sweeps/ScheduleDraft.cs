using System.Globalization;
using System.Text.RegularExpressions;
using FusionCluster.Core.Sweeps;

namespace FusionCluster.Dashboard.Sweeps;

/// <summary>
/// The schedule editor's contents: pre-filled from the sweep's current schedule, checked as typed with the
/// cluster's own schedule type (<see cref="SweepSchedule"/>), and previewed as the next fire times in the
/// sweep's time zone.
/// </summary>
public sealed partial record ScheduleDraft(string Cron, string Zone, bool Queue)
{
    public const int PreviewCount = 5;

    /// <summary>Reads a status line like "0 3 * * * (Europe/Berlin, overlap: queue)"; an empty one is no schedule.</summary>
    public static ScheduleDraft FromStatus(string schedule)
    {
        if (Written().Match(schedule ?? "") is { Success: true } match)
        {
            return new ScheduleDraft(match.Groups["cron"].Value, match.Groups["zone"].Value, match.Groups["overlap"].Value == "queue");
        }

        return new ScheduleDraft(schedule?.Trim() ?? "", "UTC", false);
    }

    /// <summary>Null when the cron and zone are valid (or the cron is empty: no schedule); else why not.</summary>
    public string? Error => Parse(out var error) is null && Cron.Trim().Length > 0 ? error : null;

    /// <summary>The next <see cref="PreviewCount"/> fire times after <paramref name="now"/>, in the sweep's zone (offsets included).</summary>
    public IReadOnlyList<DateTimeOffset> NextFires(DateTimeOffset now)
    {
        if (Parse(out _) is not { } schedule)
        {
            return [];
        }

        var fires = new List<DateTimeOffset>(PreviewCount);
        var after = now;
        while (fires.Count < PreviewCount && schedule.NextAfter(after) is { } next)
        {
            fires.Add(TimeZoneInfo.ConvertTime(next, schedule.Zone));
            after = next;
        }

        return fires;
    }

    public static string Describe(DateTimeOffset fire, string zone) =>
        string.Create(CultureInfo.InvariantCulture, $"{fire:ddd yyyy-MM-dd HH:mm} {zone} ({fire.ToUniversalTime():HH:mm} UTC)");

    private SweepSchedule? Parse(out string? error)
    {
        error = null;
        if (Cron.Trim().Length == 0)
        {
            return null;
        }

        try
        {
            return new SweepSchedule(Cron, Zone.Trim().Length == 0 ? "UTC" : Zone, Queue ? OverlapPolicy.Queue : OverlapPolicy.Skip);
        }
        catch (FormatException e)
        {
            error = e.Message;
            return null;
        }
    }

    [GeneratedRegex(@"^(?<cron>.+?) \((?<zone>[^,()]+), overlap: (?<overlap>\w+)\)$")]
    private static partial Regex Written();
}
