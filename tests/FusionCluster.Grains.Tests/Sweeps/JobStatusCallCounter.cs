using System.Collections.Concurrent;
using FusionCluster.Grains.Abstractions;
using Orleans;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>Counts, by job, the <see cref="IMergeJobGrain.GetStatus"/> calls the merge jobs of the silos it is registered on receive.</summary>
internal sealed class JobStatusCallCounter : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, int> calls = new(StringComparer.Ordinal);

    public int CallsTo(string jobId) => calls.GetValueOrDefault(jobId);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(IMergeJobGrain) && context.InterfaceMethod.Name == nameof(IMergeJobGrain.GetStatus))
        {
            calls.AddOrUpdate(context.TargetId.Key.ToString(), 1, (_, count) => count + 1);
        }

        return context.Invoke();
    }
}
