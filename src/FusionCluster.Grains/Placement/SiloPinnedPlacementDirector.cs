using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace FusionCluster.Grains.Placement;

/// <summary>
/// A worker grain must run on the silo it stands for: a job chooses silos by their free unit slots and
/// talks to each silo's worker. When that silo is gone, placement fails instead of silently moving the
/// worker (and its slots) to another silo.
/// </summary>
public sealed class SiloPinnedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        SiloAddress silo;
        try
        {
            silo = SiloAddress.FromParsableString(key);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException)
        {
            throw new OrleansException($"worker grain key '{key}' is not a silo address", e);
        }

        return context.GetCompatibleSilos(target).Contains(silo)
            ? Task.FromResult(silo)
            : throw new SiloUnavailableException($"silo {key} is not an active silo that runs workers");
    }
}
