using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Cluster;

/// <summary>Keeps the cluster's history (<see cref="ClusterHistoryRing"/>) in the jobs' grain storage.</summary>
public sealed class ClusterHistoryGrain(
    [PersistentState("cluster-history", FusionStorageNames.Jobs)] IPersistentState<ClusterHistoryState> store) : Grain, IClusterHistoryGrain
{
    public async Task Record(ClusterSample sample)
    {
        if (ClusterHistoryRing.TryAdd(store.State.Samples, sample))
        {
            await store.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<ClusterSample>> GetHistory() => Task.FromResult<IReadOnlyList<ClusterSample>>(store.State.Samples.ToList());
}
