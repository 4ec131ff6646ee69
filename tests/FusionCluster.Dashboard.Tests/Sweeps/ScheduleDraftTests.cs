using FusionCluster.Dashboard.Sweeps;

namespace FusionCluster.Dashboard.Tests.Sweeps;

public sealed class ScheduleDraftTests
{
    [Fact]
    public void The_current_schedule_is_read_back_into_its_fields()
    {
        Assert.Equal(new ScheduleDraft("0 3 * * 1-5", "Europe/Berlin", true), ScheduleDraft.FromStatus("0 3 * * 1-5 (Europe/Berlin, overlap: queue)"));
        Assert.Equal(new ScheduleDraft("", "UTC", false), ScheduleDraft.FromStatus(""));
    }

    [Fact]
    public void The_next_five_fires_are_in_the_sweeps_time_zone_across_a_daylight_saving_change()
    {
        // Berlin leaves summer time on 25 October 2026: 03:00 local is 01:00 UTC before, 02:00 UTC after.
        var fires = new ScheduleDraft("0 3 * * *", "Europe/Berlin", false).NextFires(new DateTimeOffset(2026, 10, 23, 12, 0, 0, TimeSpan.Zero));

        Assert.Equal(
            ["2026-10-24 03:00 +02:00", "2026-10-25 03:00 +01:00", "2026-10-26 03:00 +01:00", "2026-10-27 03:00 +01:00", "2026-10-28 03:00 +01:00"],
            fires.Select(f => f.ToString("yyyy-MM-dd HH:mm zzz", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("Sat 2026-10-24 03:00 Europe/Berlin (01:00 UTC)", ScheduleDraft.Describe(fires[0], "Europe/Berlin"));
    }

    [Fact]
    public void A_bad_cron_or_zone_is_an_error_in_place_and_previews_nothing()
    {
        var badCron = new ScheduleDraft("0 25 * * *", "UTC", false);
        var badZone = new ScheduleDraft("0 3 * * *", "Mars/Olympus", false);

        Assert.Contains("'0 25 * * *' is not a cron expression", badCron.Error, StringComparison.Ordinal);
        Assert.Contains("'Mars/Olympus' is not a time zone", badZone.Error, StringComparison.Ordinal);
        Assert.Empty(badCron.NextFires(DateTimeOffset.UtcNow));
        Assert.Null(new ScheduleDraft("", "", false).Error);
    }
}
