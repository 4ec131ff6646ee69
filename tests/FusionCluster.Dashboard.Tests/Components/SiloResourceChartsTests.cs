using Bunit;
using FusionCluster.Dashboard.Cluster;
using FusionCluster.Dashboard.Components.Shared;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Components;

public sealed class SiloResourceChartsTests : DashboardTestContext
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Cpu_and_memory_get_a_chart_each_with_a_line_per_silo_and_no_gpu_charts_without_gpus()
    {
        var charts = ResourceCharts.Build([History("silo-1", 10), History("silo-2", 10)], T0, T0.AddMinutes(10), T0.AddMinutes(10));

        var view = Render<SiloResourceCharts>(p => p.Add(x => x.Charts, charts));

        Assert.Single(view.FindAll(".resource-cpu svg"));
        Assert.Single(view.FindAll(".resource-memory svg"));
        Assert.Empty(view.FindAll(".resource-gpu-memory"));
        Assert.Equal(2, view.FindAll(".resource-cpu polyline.chart-line").Count);
        Assert.Equal(["silo-1 (10)", "silo-2 (10)"], view.FindAll(".resource-memory .chart-legend-item").Select(e => e.TextContent.Trim()));
        // Few points: a dot per reading, with its time and value as a tooltip.
        Assert.Equal(20, view.FindAll(".resource-cpu circle.chart-point").Count);
        Assert.Contains("minutes ago", view.Find(".resource-cpu svg").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Gpu_silos_add_utilisation_and_gpu_memory_charts()
    {
        var gpu = new SiloResourceHistory("gpu-1", [.. History("gpu-1", 3).Samples.Select(s => s with { GpuMemoryBytes = 1L << 30, GpuUtilizationPercent = 50 })]);

        var view = Render<SiloResourceCharts>(p => p.Add(x => x.Charts, ResourceCharts.Build([gpu], T0, T0.AddMinutes(10), T0)));

        Assert.Single(view.FindAll(".resource-gpu-utilization svg"));
        Assert.Single(view.FindAll(".resource-gpu-memory polyline.chart-line"));
    }

    [Fact]
    public void Dense_series_are_lines_without_a_dot_per_reading()
    {
        var charts = ResourceCharts.Build([History("silo-1", SiloResourceCharts.MostDots + 1)], T0, T0.AddHours(24), T0);

        var view = Render<SiloResourceCharts>(p => p.Add(x => x.Charts, charts));

        Assert.Empty(view.FindAll("circle.chart-point"));
        Assert.Equal(2, view.FindAll("polyline.chart-line").Count);
    }

    [Fact]
    public void No_samples_in_the_window_says_so()
    {
        var view = Render<SiloResourceCharts>(p => p
            .Add(x => x.Charts, ResourceCharts.Build([], T0, T0, T0))
            .Add(x => x.EmptyText, "Nothing reported."));

        Assert.Equal("Nothing reported.", view.Find(".resources-empty").TextContent);
        Assert.Empty(view.FindAll("svg"));
    }

    private static SiloResourceHistory History(string silo, int minutes) =>
        new(silo, [.. Enumerable.Range(0, minutes).Select(m => new SiloResourceSample { At = T0.AddMinutes(m), CpuPercent = 10 + m, WorkingSetBytes = (200L + m) << 20 })]);
}
