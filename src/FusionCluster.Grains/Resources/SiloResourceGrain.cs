using FusionCluster.Grains.Abstractions;
using Microsoft.Extensions.Logging;

namespace FusionCluster.Grains.Resources;

/// <summary>
/// Keeps every silo's resource history (<see cref="ResourceHistory"/>) in the jobs' grain storage. Readings arrive
/// every few seconds from each silo, so the state is written at most once per <see cref="WriteSpacing"/> (and when the
/// grain deactivates): a crash loses at most that much of the newest history.
/// </summary>
/// <remarks>
/// A silo that shuts down may have lost its storage before this grain deactivates, so the last write then fails: that
/// is the history's end, not an error. (The embedded silo's store is a dictionary of its process for that reason:
/// Orleans' memory storage is a grain of the same silo, and its failure was logged as errors by Orleans itself.)
/// </remarks>
public sealed class SiloResourceGrain(
    [PersistentState("silo-resources", FusionStorageNames.Jobs)] IPersistentState<SiloResourceState> store,
    TimeProvider time,
    ILogger<SiloResourceGrain> logger) : Grain, ISiloResourceGrain
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
        if (!dirty)
        {
            return;
        }

        try
        {
            await store.WriteStateAsync(cancellationToken);
        }
        catch (Exception e) when (reason.ReasonCode == DeactivationReasonCode.ShuttingDown)
        {
            logger.LogDebug("The silo shut down before the newest resource readings were stored: {Error}", e.GetBaseException().Message);
        }
    }
}
