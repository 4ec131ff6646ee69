using FusionCluster.Cli.Commands;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Cli.Tests.Commands;

public sealed class SweepPrinterTests
{
    [Fact]
    public void A_next_fire_time_in_the_sweeps_time_zone_is_printed_in_utc_as_labelled()
    {
        // 03:00 in Berlin in winter (UTC+1) is 02:00 UTC.
        var status = new SweepStatus { Id = "nightly", Exists = true, Schedule = "0 3 * * * Europe/Berlin", NextFire = new DateTimeOffset(2026, 12, 4, 3, 0, 0, TimeSpan.FromHours(1)) };
        using var output = new StringWriter();

        SweepPrinter.Status(status, output);

        Assert.Contains("next      2026-12-04 02:00:00 UTC (2026-12-04 03:00 at UTC+01:00)", output.ToString(), StringComparison.Ordinal);
    }
}
