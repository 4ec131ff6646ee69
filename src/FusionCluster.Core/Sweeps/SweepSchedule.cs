using Cronos;

namespace FusionCluster.Core.Sweeps;

/// <summary>
/// A cron schedule in a time zone (Cronos: 5 fields, or 6 with seconds, macros such as @daily), plus the
/// policy for runs that fall due while another is still going. Occurrences follow the zone's wall clock,
/// daylight saving included (Cronos skips a time that does not exist and fires once for one that repeats).
/// </summary>
public sealed class SweepSchedule
{
    private readonly CronExpression expression;

    public SweepSchedule(string cron, string timeZone, OverlapPolicy overlap)
    {
        ArgumentNullException.ThrowIfNull(cron);
        ArgumentNullException.ThrowIfNull(timeZone);
        Cron = cron.Trim();
        TimeZoneId = timeZone.Trim();
        var fields = Cron.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            expression = CronExpression.Parse(Cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            throw new FormatException($"'{Cron}' is not a cron expression (minute hour day-of-month month day-of-week, or six fields with seconds first): {e.Message}", e);
        }

        try
        {
            Zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new FormatException($"'{TimeZoneId}' is not a time zone this machine knows (use an IANA name such as UTC or Europe/Berlin)", e);
        }

        Overlap = overlap;
    }

    public string Cron { get; }

    public string TimeZoneId { get; }

    public TimeZoneInfo Zone { get; }

    public OverlapPolicy Overlap { get; }

    /// <summary>The first occurrence strictly after <paramref name="instant"/>, or null when there is none.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset instant) => expression.GetNextOccurrence(instant, Zone);

    /// <summary>Occurrences in (<paramref name="after"/>, <paramref name="until"/>], at most <paramref name="limit"/> of them.</summary>
    public IEnumerable<DateTimeOffset> Between(DateTimeOffset after, DateTimeOffset until, int limit) =>
        expression.GetOccurrences(after, until, Zone, fromInclusive: false, toInclusive: true).Take(limit);

    public override string ToString() => $"{Cron} ({TimeZoneId}, overlap: {Overlap.ToString().ToLowerInvariant()})";
}
