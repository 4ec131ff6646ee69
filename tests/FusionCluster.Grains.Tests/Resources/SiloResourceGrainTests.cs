using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Resources;
using FusionCluster.Grains.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Grains.Tests.Resources;

/// <summary>Silos report their CPU and memory through the cluster, on a real in-process cluster of two silos.</summary>
public sealed class SiloResourceGrainTests
{
    [Fact]
    public async Task Every_silo_reports_its_cpu_and_memory_to_the_cluster()
    {
        await using var cluster = await WorkerCluster.StartAsync(
            unitSlots: 1, silos: 2, services: s => s.Configure<ResourceSamplingOptions>(o => o.Interval = TimeSpan.FromMilliseconds(200)));
        var history = cluster.Client.GetGrain<ISiloResourceGrain>(0);
        var names = cluster.Silos.Select(s => s.Name).Order(StringComparer.Ordinal).ToList();

        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        IReadOnlyList<SiloResourceHistory> silos;
        do
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            silos = await history.GetHistory();
        }
        while (DateTimeOffset.UtcNow < deadline && !(silos.Count == names.Count && silos.All(s => s.Samples.Count >= 3)));

        Assert.Equal(names, silos.Select(s => s.Silo));
        Assert.All(silos, silo =>
        {
            Assert.True(silo.Samples.Count >= 3, $"{silo.Silo}: {silo.Samples.Count} samples");
            Assert.All(silo.Samples, s => Assert.InRange(s.CpuPercent, 0, 100));
            // An Orleans silo in this test process holds tens of MiB at least; cpu silos have no GPU readings.
            Assert.All(silo.Samples, s => Assert.InRange(s.WorkingSetBytes, 10L << 20, long.MaxValue));
            Assert.All(silo.Samples, s => Assert.Null(s.GpuMemoryBytes));
            Assert.All(silo.Samples.Zip(silo.Samples.Skip(1)), p => Assert.True(p.First.At < p.Second.At));
        });
    }
}
