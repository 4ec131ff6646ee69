using System.Collections.Concurrent;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>The test's own observer of a job: when (server clock) each unit finished.</summary>
public sealed class JobEventRecorder : IJobObserver
{
    public ConcurrentDictionary<int, DateTimeOffset> Finished { get; } = new();

    public void OnJobEvent(JobEvent jobEvent)
    {
        if (jobEvent.Kind == JobEventKind.UnitFinished)
        {
            Finished.TryAdd(jobEvent.Unit, jobEvent.At);
        }
    }
}
