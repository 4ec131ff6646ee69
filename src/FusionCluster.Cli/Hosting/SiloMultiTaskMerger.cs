using FusionCluster.Client;
using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.MultiTask;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Hosting;

namespace FusionCluster.Cli.Hosting;

/// <summary>
/// The benchmark's merges as merge jobs, the path `fusion merge` takes on an embedded silo, or `fusion submit` on a
/// running cluster. The silo starts (or the connection opens) at the first merge, so a fully cached benchmark run
/// starts none.
/// </summary>
public sealed class SiloMultiTaskMerger : IMultiTaskMerger, IAsyncDisposable
{
    private readonly Func<CancellationToken, Task<(IClusterClient Client, IAsyncDisposable Owner)>> connect;
    private (IClusterClient Client, IAsyncDisposable Owner)? connection;

    private SiloMultiTaskMerger(Func<CancellationToken, Task<(IClusterClient Client, IAsyncDisposable Owner)>> connect) => this.connect = connect;

    /// <summary>Jobs on an embedded silo in this process.</summary>
    public static SiloMultiTaskMerger Embedded(int unitSlots = 0) => new(async cancellationToken =>
    {
        var cluster = await EmbeddedCluster.StartAsync(unitSlots, cancellationToken);
        return (cluster.Client, cluster);
    });

    /// <summary>Jobs on a running cluster (its silos must reach the benchmark's folder: a data root of a local cluster).</summary>
    public static SiloMultiTaskMerger OnCluster(Func<CancellationToken, Task<ClusterConnection>> open) => new(async cancellationToken =>
    {
        var cluster = await open(cancellationToken);
        return (cluster.Client, cluster);
    });

    public async Task<MultiTaskMergeRun> MergeAsync(string specPath, string outputFolder, ulong seed, CancellationToken cancellationToken)
    {
        connection ??= await connect(cancellationToken);
        var job = connection.Value.Client.GetGrain<IMergeJobGrain>(JobIds.New());
        var status = await job.Start(new MergeRequest
        {
            SpecText = await File.ReadAllTextAsync(specPath, cancellationToken),
            SpecDirectory = Path.GetDirectoryName(Path.GetFullPath(specPath))!,
            SpecName = Path.GetFileName(specPath),
            Output = Path.GetFullPath(outputFolder),
            Seed = seed,
            Overwrite = true,
            Device = MergeDevices.Cpu,
        });
        while (!status.IsFinished)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                await job.Cancel();
            }

            await Task.Delay(50, CancellationToken.None);
            status = await job.GetStatus();
        }

        if (status.State != JobState.Succeeded)
        {
            throw new InvalidOperationException($"{specPath}: the merge job ended {status.State}: {status.Error}");
        }

        return StatisticsPhaseTiming.Of(await job.GetUnits());
    }

    public async ValueTask DisposeAsync()
    {
        if (connection is { } open)
        {
            await open.Owner.DisposeAsync();
        }
    }
}
