using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FusionCluster.Dashboard.Components.Pages;
using FusionCluster.Dashboard.Hosting;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Fakes;

namespace FusionCluster.Dashboard.Tests.Hosting;

public sealed class DashboardMetricsTests : DashboardTestContext
{
    [Fact]
    public async Task Opening_a_sweep_page_counts_a_view_and_a_live_page_that_closing_takes_back()
    {
        SignInAs(DashboardRoles.Viewer);
        Sweeps.Statuses["metered"] = SweepSamples.Status("metered", runs: 0);
        var measurements = new ConcurrentQueue<(string Instrument, long Value, string? Page)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == DashboardMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "page")
                {
                    measurements.Enqueue((instrument.Name, value, tag.Value as string));
                }
            }
        });
        listener.Start();

        var page = Render<SweepDetail>(p => p.Add(c => c.SweepId, "metered"));
        page.WaitForAssertion(() => Assert.Contains(("fusion.dashboard.page_views", 1L, "sweep"), measurements));
        Assert.Contains(("fusion.dashboard.live_pages", 1L, "sweep"), measurements);

        await DisposeComponentsAsync();
        Assert.Contains(("fusion.dashboard.live_pages", -1L, "sweep"), measurements);
    }
}
