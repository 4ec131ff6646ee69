using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Resources;

/// <summary>
/// Keeps every silo's resource history (<see cref="ResourceHistory"/>) in the jobs' grain storage. Readings arrive
/// every few seconds from each silo, so the state is written at most once per <see cref="WriteSpacing"/> (and when the
/// grain deactivates): a crash loses at most that much of the newest history.
/// </summary>
public sealed class SiloResourceGrain(
    [PersistentState("silo-resources", FusionStorageNames.Jobs)] IPersistentState<SiloResourceState> store,
    TimeProvider time) : Grain, ISiloResourceGrain
{
    public static readonly TimeSpan WriteSpacing = TimeSpan.FromMinutes(1);

    private DateTimeOffset lastWrite = DateTimeOffset.MinValue;
    private bool dirty;

    public async Task Record(string silo, SiloResourceSample sample)
    {
        if (!store.State.Silos.TryGetValue(silo, out var tiers))
        {
            store.State.Silos[silo] = tiers = new SiloResourceTiers();
        }

        dirty |= ResourceHistory.Add(tiers, sample);
        var now = time.GetUtcNow();
        if (dirty && now - lastWrite >= WriteSpacing)
        {
            ResourceHistory.Forget(store.State, now);
            await store.WriteStateAsync();
            (lastWrite, dirty) = (now, false);
        }
    }

    public Task<IReadOnlyList<SiloResourceHistory>> GetHistory() => Task.FromResult<IReadOnlyList<SiloResourceHistory>>(
        store.State.Silos.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new SiloResourceHistory(s.Key, s.Value.All())).ToList());

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (dirty)
        {
            await store.WriteStateAsync(cancellationToken);
        }
    }
}
