using FusionCluster.Dashboard.Cluster;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Cluster;

public sealed class ResourceChartsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_silo_is_a_series_of_its_samples_in_the_window_in_minutes_from_the_origin()
    {
        // silo-a every minute from 0 to 10 min; the window is minutes 2..5, the origin minute 5 ("minutes ago").
        var a = new SiloResourceHistory("silo-a", [.. Enumerable.Range(0, 11).Select(m => Sample(m * 60, cpu: m, memory: 512L << 20))]);
        var b = new SiloResourceHistory("silo-b", [Sample(240, cpu: 90, memory: 1L << 30)]);

        var charts = ResourceCharts.Build([a, b], T0.AddMinutes(2), T0.AddMinutes(5), T0.AddMinutes(5));

        Assert.Equal(["silo-a", "silo-b"], charts.Cpu.Select(s => s.Name));
        Assert.Equal([-3.0, -2, -1, 0], charts.Cpu[0].Points.Select(p => Math.Round(p.X, 9)));
        Assert.Equal([2.0, 3, 4, 5], charts.Cpu[0].Points.Select(p => p.Y));
        // Under 2 GiB everywhere: MiB, so 512 MiB reads 512 and 1 GiB 1024.
        Assert.Equal("MiB", charts.MemoryUnit);
        Assert.All(charts.Memory[0].Points, p => Assert.Equal(512, p.Y));
        Assert.Equal(1024, Assert.Single(charts.Memory[1].Points).Y);
        Assert.False(charts.HasGpu);
        Assert.Equal("12:04:00 UTC, 90 %", charts.Cpu[1].Points[0].Label);
    }

    [Fact]
    public void Only_the_named_silos_are_shown_and_gpus_where_reported()
    {
        var cpu = new SiloResourceHistory("cpu-silo", [Sample(0, cpu: 10, memory: 3L << 30)]);
        var gpu = new SiloResourceHistory("gpu-silo", [Sample(0, cpu: 20, memory: 1L << 30) with { GpuMemoryBytes = 6L << 30, GpuUtilizationPercent = 75, Readings = 6 }]);
        var other = new SiloResourceHistory("other", [Sample(0, cpu: 30, memory: 1)]);

        var charts = ResourceCharts.Build([cpu, gpu, other], T0, T0.AddMinutes(1), T0, only: ["cpu-silo", "gpu-silo"]);

        Assert.Equal(["cpu-silo", "gpu-silo"], charts.Memory.Select(s => s.Name));
        // One silo passes 2 GiB: every memory chart in GiB.
        Assert.Equal("GiB", charts.MemoryUnit);
        Assert.Equal([3.0, 1.0], charts.Memory.Select(s => s.Points[0].Y));
        Assert.True(charts.HasGpu);
        Assert.Equal(("gpu-silo", 6.0), (Assert.Single(charts.GpuMemory).Name, charts.GpuMemory[0].Points[0].Y));
        Assert.Equal(75, Assert.Single(charts.GpuUtilization).Points[0].Y);
        Assert.EndsWith("(over 6 readings)", charts.GpuUtilization[0].Points[0].Label, StringComparison.Ordinal);
    }

    [Fact]
    public void A_window_without_samples_is_empty()
    {
        var charts = ResourceCharts.Build([new SiloResourceHistory("silo-a", [Sample(0, 1, 1)])], T0.AddHours(1), T0.AddHours(2), T0.AddHours(2));

        Assert.True(charts.IsEmpty);
        Assert.Equal(0, charts.MostPoints);
    }

    private static SiloResourceSample Sample(int seconds, double cpu, long memory) =>
        new() { At = T0.AddSeconds(seconds), CpuPercent = cpu, WorkingSetBytes = memory };
}
