using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace FusionCluster.Client;

public static class FusionSerialization
{
    /// <summary>
    /// FusionCluster.Core stays free of Orleans, so its plan types travel between silos as JSON rather
    /// than carrying serializer attributes.
    /// </summary>
    public static IServiceCollection AddFusionSerialization(this IServiceCollection services) =>
        services.AddSerializer(serializer => serializer.AddJsonSerializer(
            isSupported: type => type.Namespace?.StartsWith("FusionCluster.Core", StringComparison.Ordinal) == true));
}
