using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.MultiTask;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Hosting;

namespace FusionCluster.Cli.Hosting;

/// <summary>
/// The benchmark's merges as merge jobs on an embedded silo, the path `fusion merge` takes. The silo starts at
/// the first merge, so a fully cached benchmark run starts none.
/// </summary>
public sealed class SiloMultiTaskMerger(int unitSlots = 0) : IMultiTaskMerger, IAsyncDisposable
{
    private EmbeddedCluster? cluster;

    public async Task MergeAsync(string specPath, string outputFolder, ulong seed, CancellationToken cancellationToken)
    {
        cluster ??= await EmbeddedCluster.StartAsync(unitSlots, cancellationToken);
        var job = cluster.Client.GetGrain<IMergeJobGrain>(Guid.NewGuid().ToString("n"));
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
    }

    public async ValueTask DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }
}
