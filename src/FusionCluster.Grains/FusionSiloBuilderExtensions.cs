using FusionCluster.Core.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Grains;

public static class FusionSiloBuilderExtensions
{
    /// <summary>Registers what a silo needs to plan merges and run their units.</summary>
    public static ISiloBuilder AddFusionWorker(this ISiloBuilder silo)
    {
        silo.Services.AddFusionSerialization();
        silo.Services.AddSingleton<CheckpointCache>();
        silo.Services.AddSingleton<WorkUnitExecutor>();
        return silo;
    }
}
