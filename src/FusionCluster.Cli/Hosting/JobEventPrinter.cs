using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Hosting;

/// <summary>Prints the events worth a line of their own (retries, lost units, state changes) as they arrive.</summary>
public sealed class JobEventPrinter : IJobObserver
{
    public void OnJobEvent(JobEvent jobEvent)
    {
        var line = jobEvent.Kind switch
        {
            JobEventKind.UnitRequeued => $"unit {jobEvent.Unit} requeued ({jobEvent.Message})",
            JobEventKind.UnitFailed => $"unit {jobEvent.Unit} failed on {jobEvent.Silo}: {jobEvent.Message}",
            JobEventKind.StateChanged => $"job {jobEvent.State.ToString().ToLowerInvariant()}{(jobEvent.Message is null ? "" : $": {jobEvent.Message}")}",
            _ => null,
        };
        if (line is not null)
        {
            System.Console.Error.WriteLine($"{jobEvent.At:HH:mm:ss} {line}");
        }
    }
}
