using FusionCluster.Cli.Console;
using FusionCluster.Core.Methods;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Hosting;

namespace FusionCluster.Cli.Hosting;

/// <summary>Runs one merge job on an embedded silo, reporting progress until it finishes or is cancelled.</summary>
public static class EmbeddedMerge
{
    public static async Task<JobStatus> RunAsync(MergeRequest request, ProgressReporter progress, int unitSlots, CancellationToken cancellationToken)
    {
        // The embedded silo offers CUDA only when the caller checked that this host can run it.
        var siloDevice = request.Device == MergeDevices.Cuda ? MergeDevices.Cuda : MergeDevices.Cpu;
        await using var cluster = await EmbeddedCluster.StartAsync(unitSlots, CancellationToken.None, siloDevice);
        var job = cluster.Client.GetGrain<IMergeJobGrain>(Guid.NewGuid().ToString("n"));
        var status = await job.Start(request);
        var cancelled = false;
        while (!status.IsFinished)
        {
            if (cancellationToken.IsCancellationRequested && !cancelled)
            {
                cancelled = true;
                System.Console.Error.WriteLine();
                System.Console.Error.WriteLine("cancelling: waiting for running units to stop ...");
                await job.Cancel();
            }

            progress.Report(status);
            try
            {
                await Task.Delay(200, cancelled ? CancellationToken.None : cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            status = await job.GetStatus();
        }

        progress.Finish();
        return status;
    }
}
