using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace FusionCluster.Hosting.Tests;

/// <summary>One embedded silo for a test class: the grain storage serializer and activators a real silo uses.</summary>
public sealed class EmbeddedSiloFixture : IAsyncLifetime
{
    private EmbeddedCluster? cluster;

    public EmbeddedCluster Cluster => cluster ?? throw new InvalidOperationException("the silo has not started");

    /// <summary>A store of its own, built from the silo's services as the silo builds its jobs' store.</summary>
    public InProcessGrainStorage NewStorage() => new(
        Cluster.Services.GetRequiredService<IGrainStorageSerializer>(),
        Cluster.Services.GetRequiredService<IActivatorProvider>());

    public async ValueTask InitializeAsync() => cluster = await EmbeddedCluster.StartAsync(unitSlots: 1, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }
}
