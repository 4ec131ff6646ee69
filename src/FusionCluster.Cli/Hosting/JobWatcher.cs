using FusionCluster.Cli.Console;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Hosting;

/// <summary>Follows a cluster job: live progress from its status, notable events from an observer subscription.</summary>
public static class JobWatcher
{
    /// <returns>The exit code: 0 succeeded, 1 failed, 130 cancelled, 2 detached (Ctrl-C; the job goes on).</returns>
    public static async Task<int> WatchAsync(IClusterClient client, string jobId, bool quiet, CancellationToken cancellationToken)
    {
        var job = client.GetGrain<IMergeJobGrain>(jobId);
        var printer = new JobEventPrinter();
        var observer = client.CreateObjectReference<IJobObserver>(printer);
        var progress = new ProgressReporter(quiet);
        var subscribed = DateTime.MinValue;
        try
        {
            while (true)
            {
                if (DateTime.UtcNow - subscribed > TimeSpan.FromSeconds(60))
                {
                    await job.Subscribe(observer);
                    subscribed = DateTime.UtcNow;
                }

                var status = await job.GetStatus();
                if (status.State == JobState.Pending && status.UnitsTotal == 0 && status.SubmittedAt == default)
                {
                    progress.Finish();
                    System.Console.Error.WriteLine($"fusion: error: no job '{jobId}' on this cluster");
                    return 1;
                }

                if (status.IsFinished)
                {
                    progress.Finish();
                    return Summarize(status);
                }

                progress.Report(status);
                try
                {
                    await Task.Delay(500, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    progress.Finish();
                    System.Console.Error.WriteLine($"detached; job {jobId} goes on (fusion watch {jobId})");
                    return 2;
                }
            }
        }
        finally
        {
            try
            {
                await job.Unsubscribe(observer);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The job's silo may be gone; its observer list expires on its own.
            }

            client.DeleteObjectReference<IJobObserver>(observer);
        }
    }

    private static int Summarize(JobStatus status)
    {
        switch (status.State)
        {
            case JobState.Succeeded:
                var rate = status.ElapsedSeconds > 0 ? status.BytesTotal / status.ElapsedSeconds : 0;
                System.Console.WriteLine($"job {status.JobId} succeeded: {status.UnitsTotal} units, {Units.Bytes(status.BytesTotal)} read in {status.ElapsedSeconds:F1} s ({Units.Bytes((long)rate)}/s), {status.Retries} retries -> {status.Output}");
                foreach (var silo in status.Silos)
                {
                    System.Console.WriteLine($"  {silo.Silo}: {silo.UnitsDone} units, {Units.Bytes(silo.Bytes)}");
                }

                return 0;
            case JobState.Cancelled:
                System.Console.Error.WriteLine($"job {status.JobId} was cancelled; nothing was published");
                return 130;
            default:
                System.Console.Error.WriteLine($"fusion: error: job {status.JobId} failed: {status.Error}");
                return 1;
        }
    }
}
