using FusionCluster.Storage;
using FusionCluster.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>Test silos whose Azure blob store is a real Azurite's account (az:// inputs and outputs).</summary>
public static class AzuriteStorage
{
    /// <summary>The stores a silo registers from its configuration, with <paramref name="azurite"/>'s connection string as the Azure one.</summary>
    public static IServiceCollection AddFusionStorage(this IServiceCollection services, AzuriteProcess azurite) =>
        services.AddFusionStorage(new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>("Fusion:Storage:Azure:ConnectionString", azurite.ConnectionString)])
            .Build());
}
