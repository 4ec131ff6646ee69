using FusionCluster.Cli.Console;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Hosting;

namespace FusionCluster.Cli.Hosting;

/// <summary>Runs one merge job on an embedded silo, reporting progress until it finishes or is cancelled.</summary>
public static class EmbeddedMerge
{
    /// <param name="cancellationToken">Cancels the job (Ctrl-C, SIGTERM): its units stop, its staging is removed, nothing is published.</param>
    /// <param name="roots">The data roots the silo reads and writes in (--data-root), as a cluster's silos do theirs; null for none.</param>
    public static async Task<JobStatus> RunAsync(MergeRequest request, ProgressReporter progress, int unitSlots, CancellationToken cancellationToken, LocalRoots? roots = null)
    {
        // The embedded silo offers CUDA only when the caller checked that this host can run it.
        var siloDevice = request.Device == MergeDevices.Cuda ? MergeDevices.Cuda : MergeDevices.Cpu;
        await using var cluster = await EmbeddedCluster.StartAsync(unitSlots, CancellationToken.None, siloDevice, EmbeddedCluster.DataRootSettings((roots ?? LocalRoots.Anywhere).Folders));
        var job = cluster.Client.GetGrain<IMergeJobGrain>(Guid.NewGuid().ToString("n"));
        if (cancellationToken.IsCancellationRequested)
        {
            // Interrupted while the silo started: the job is not started at all (it records itself as cancelled).
            await job.Cancel();
        }

        // Start returns once the job has planned and staged; a signal during planning cancels it there.
        var starting = job.Start(request);
        var cancelled = false;
        JobStatus status;
        try
        {
            status = await starting.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
            await CancelAsync(job);
            status = await starting;
        }

        while (!status.IsFinished)
        {
            if (cancellationToken.IsCancellationRequested && !cancelled)
            {
                cancelled = true;
                await CancelAsync(job);
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

    private static async Task CancelAsync(IMergeJobGrain job)
    {
        System.Console.Error.WriteLine("cancelling: waiting for running units to stop ...");
        await job.Cancel();
    }
}
