using System.Net;
using FusionCluster.Grains.Placement;
using Orleans.Runtime.Placement;

namespace FusionCluster.Grains.Tests.Placement;

/// <summary>A worker grain is placed on the silo its key names, and nowhere else.</summary>
public sealed class SiloPinnedPlacementDirectorTests
{
    private static readonly SiloAddress First = SiloAddress.New(IPAddress.Loopback, 11111, 1);
    private static readonly SiloAddress Second = SiloAddress.New(IPAddress.Loopback, 11112, 1);

    [Fact]
    public async Task The_grain_goes_to_the_silo_its_key_names()
    {
        var placed = await new SiloPinnedPlacementDirector().OnAddActivation(new SiloPinnedPlacement(), Target(Second.ToParsableString()), new Silos(First, Second));
        Assert.Equal(Second, placed);
    }

    [Fact]
    public async Task A_silo_that_is_not_compatible_fails_placement_instead_of_moving_the_grain()
    {
        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() =>
            new SiloPinnedPlacementDirector().OnAddActivation(new SiloPinnedPlacement(), Target(Second.ToParsableString()), new Silos(First)));
        Assert.Contains(Second.ToParsableString(), error.Message);
    }

    [Fact]
    public async Task A_key_that_is_no_silo_address_is_named_in_the_error()
    {
        var error = await Assert.ThrowsAsync<OrleansException>(() =>
            new SiloPinnedPlacementDirector().OnAddActivation(new SiloPinnedPlacement(), Target("not-a-silo"), new Silos(First)));
        Assert.Equal("worker grain key 'not-a-silo' is not a silo address", error.Message);
    }

    private static PlacementTarget Target(string key) => new(GrainId.Create("worker", key), [], GrainInterfaceType.Create("worker"), 0);

    /// <summary>A cluster whose compatible silos are the given ones.</summary>
    private sealed class Silos(params SiloAddress[] silos) : IPlacementContext
    {
        public SiloAddress LocalSilo => silos[0];

        public SiloStatus LocalSiloStatus => SiloStatus.Active;

        public SiloAddress[] GetCompatibleSilos(PlacementTarget target) => silos;

        public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target) => new Dictionary<ushort, SiloAddress[]> { [0] = silos };
    }
}
