using System.Diagnostics;
using FusionCluster.Grains.Resources;
using Microsoft.Extensions.Time.Testing;

namespace FusionCluster.Grains.Tests.Resources;

public sealed class ProcessResourceMeterTests
{
    [Fact]
    public void Cpu_time_over_wall_time_is_a_share_of_all_cores()
    {
        var time = new FakeTimeProvider();
        var cpu = TimeSpan.FromSeconds(3);
        var meter = new ProcessResourceMeter(time, cores: 4, () => (cpu, 123));

        // 20 s of CPU in 10 s on 4 cores: half the host.
        time.Advance(TimeSpan.FromSeconds(10));
        cpu += TimeSpan.FromSeconds(20);
        var first = meter.Read();

        // Then 1 s of CPU in 10 s: 2.5 %.
        time.Advance(TimeSpan.FromSeconds(10));
        cpu += TimeSpan.FromSeconds(1);
        var second = meter.Read();

        Assert.Equal((50.0, 123L), (Math.Round(first.CpuPercent, 9), first.WorkingSetBytes));
        Assert.Equal(2.5, second.CpuPercent, 9);
        Assert.Equal(time.GetUtcNow(), second.At);
    }

    [Fact]
    public void The_real_process_has_a_working_set_and_a_share_while_it_computes()
    {
        var meter = new ProcessResourceMeter(TimeProvider.System, Environment.ProcessorCount);

        var busy = Stopwatch.StartNew();
        var spin = 0.0;
        while (busy.ElapsedMilliseconds < 300)
        {
            spin += Math.Sqrt(busy.ElapsedTicks);
        }

        var sample = meter.Read();

        Assert.True(spin > 0);
        Assert.InRange(sample.CpuPercent, 1e-6, 100);
        Assert.InRange(sample.WorkingSetBytes, 10L << 20, long.MaxValue);
    }
}
