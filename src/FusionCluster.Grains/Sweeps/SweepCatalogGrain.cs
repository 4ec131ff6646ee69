using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps;

/// <summary>The cluster's list of sweeps, persisted.</summary>
public sealed class SweepCatalogGrain(
    [PersistentState("sweeps", FusionStorageNames.Jobs)] IPersistentState<SweepCatalogState> catalog) : Grain, ISweepCatalogGrain
{
    public async Task Upsert(SweepSummary sweep)
    {
        var sweeps = catalog.State.Sweeps;
        var index = sweeps.FindIndex(s => s.Id == sweep.Id);
        if (index >= 0)
        {
            sweeps[index] = sweep;
        }
        else
        {
            sweeps.Add(sweep);
        }

        await catalog.WriteStateAsync();
    }

    public async Task Remove(string sweepId)
    {
        if (catalog.State.Sweeps.RemoveAll(s => s.Id == sweepId) > 0)
        {
            await catalog.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<SweepSummary>> List() =>
        Task.FromResult<IReadOnlyList<SweepSummary>>(catalog.State.Sweeps.OrderBy(s => s.Id, StringComparer.Ordinal).ToList());
}
