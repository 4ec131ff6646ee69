using FusionCluster.Grains;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Resources;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace FusionCluster.Hosting.Tests;

public sealed class EmbeddedClusterTests
{
    /// <summary>
    /// The resource history stores its newest readings when its grain deactivates, which on a shutdown races the
    /// deactivation of the rest of the silo: with Orleans' memory storage (itself grains of the silo) that write failed,
    /// and Orleans logged each of its tries as an error at the end of a command that had succeeded.
    /// </summary>
    [Fact]
    public async Task State_a_grain_writes_while_the_silo_shuts_down_is_stored()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var cluster = await EmbeddedCluster.StartAsync(unitSlots: 1, cancellationToken);
        var start = DateTimeOffset.UtcNow;
        try
        {
            var storage = cluster.Services.GetRequiredKeyedService<IGrainStorage>(FusionStorageNames.Jobs);
            var history = cluster.Client.GetGrain<ISiloResourceGrain>(0);
            var historyGrain = history.GetGrainId();
            // The grain writes at most once a minute while it runs, so the second reading is stored only on its way out.
            await history.Record("test-silo", new SiloResourceSample { At = start, WorkingSetBytes = 1 });
            await history.Record("test-silo", new SiloResourceSample { At = start.AddSeconds(1), WorkingSetBytes = 2 });
            await cluster.StopAsync();

            var stored = new GrainState<SiloResourceState>();
            await storage.ReadStateAsync("silo-resources", historyGrain, stored);
            Assert.Equal([1L, 2L], stored.State!.Silos["test-silo"].All().Select(s => s.WorkingSetBytes));
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
