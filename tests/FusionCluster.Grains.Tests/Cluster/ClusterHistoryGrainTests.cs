using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Tests.Cluster;

/// <summary>The cluster's history and a silo's logs, through the grains a dashboard calls, on a real in-process silo.</summary>
[Collection(OneWorkerSiloCollection.Name)]
public sealed class ClusterHistoryGrainTests(OneWorkerSilo silo)
{
    [Fact]
    public async Task Samples_offered_are_kept_once_a_minute_with_their_silos()
    {
        var history = silo.Client.GetGrain<IClusterHistoryGrain>(0);
        var at = DateTimeOffset.UtcNow;

        await history.Record(new ClusterSample { At = at, BytesPerSecond = 100, UnitsRunning = 2, Silos = [new SiloSample("Silo_0", 100, 2)] });
        await history.Record(new ClusterSample { At = at.AddSeconds(2), BytesPerSecond = 999 });
        await history.Record(new ClusterSample { At = at.AddMinutes(1), BytesPerSecond = 300, UnitsRunning = 1 });

        var kept = await history.GetHistory();
        Assert.Equal([100.0, 300], kept.Select(s => s.BytesPerSecond));
        Assert.Equal(new SiloSample("Silo_0", 100, 2), Assert.Single(kept[0].Silos));
    }

    [Fact]
    public async Task A_silos_recent_log_lines_are_read_by_its_name()
    {
        var info = silo.Client.GetGrain<IClusterInfoGrain>(0);
        var name = silo.Cluster.Silos[0].Name;

        var lines = await info.GetSiloLogs(name, 50);

        Assert.NotEmpty(lines);
        Assert.InRange(lines.Count, 1, 50);
        Assert.All(lines.Zip(lines.Skip(1)), pair => Assert.True(pair.First.At <= pair.Second.At));
        Assert.Empty(await info.GetSiloLogs("no-such-silo", 50));
    }
}
