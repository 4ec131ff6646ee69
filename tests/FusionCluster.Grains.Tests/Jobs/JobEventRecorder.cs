using System.Collections.Concurrent;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Tests.Jobs;

public sealed class JobEventRecorder : IJobObserver
{
    public ConcurrentQueue<JobEvent> Events { get; } = new();

    public void OnJobEvent(JobEvent jobEvent) => Events.Enqueue(jobEvent);
}
