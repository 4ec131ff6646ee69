using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Resources;
using Microsoft.Extensions.Logging.Abstractions;

namespace FusionCluster.Grains.Tests.Resources;

/// <summary>
/// The last write of a silo's resource history when its silo shuts down, against storage that is already gone (as the
/// embedded silo's memory storage is when Orleans deactivated it first: "No active nodes are compatible with grain
/// memorystorage"). A fake storage stands in for that race, which a real silo hits only sometimes.
/// </summary>
public sealed class SiloResourceGrainShutdownTests
{
    [Fact]
    public async Task A_shutting_down_silo_whose_storage_is_gone_ends_the_history_without_an_error()
    {
        var (grain, store) = await DirtyGrainAsync();

        await grain.OnDeactivateAsync(new DeactivationReason(DeactivationReasonCode.ShuttingDown, "silo stops"), TestContext.Current.CancellationToken);

        Assert.Equal(2, store.Writes);
    }

    [Fact]
    public async Task Any_other_deactivation_still_reports_a_failed_write()
    {
        var (grain, _) = await DirtyGrainAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            grain.OnDeactivateAsync(new DeactivationReason(DeactivationReasonCode.ActivationIdle, "idle"), TestContext.Current.CancellationToken));
    }

    /// <summary>A grain that wrote its first reading and holds a second one unwritten, over storage that now fails.</summary>
    private static async Task<(SiloResourceGrain Grain, GoneStorage Store)> DirtyGrainAsync()
    {
        var store = new GoneStorage();
        var grain = new SiloResourceGrain(store, TimeProvider.System, NullLogger<SiloResourceGrain>.Instance);
        var sample = new SiloResourceSample { At = DateTimeOffset.UtcNow, CpuPercent = 10, WorkingSetBytes = 100 << 20 };
        await grain.Record("silo-1", sample);
        store.Gone = true;
        await grain.Record("silo-1", sample with { At = sample.At.AddSeconds(1) });
        Assert.Equal(1, store.Writes);
        return (grain, store);
    }

    private sealed class GoneStorage : IPersistentState<SiloResourceState>
    {
        public bool Gone { get; set; }

        public int Writes { get; private set; }

        public SiloResourceState State { get; set; } = new();

        public string? Etag => null;

        public bool RecordExists => Writes > 0;

        public Task ClearStateAsync() => Task.CompletedTask;

        public Task ReadStateAsync() => Task.CompletedTask;

        public Task WriteStateAsync()
        {
            Writes++;
            return Gone ? Task.FromException(new InvalidOperationException("No active nodes are compatible with grain memorystorage")) : Task.CompletedTask;
        }
    }
}
