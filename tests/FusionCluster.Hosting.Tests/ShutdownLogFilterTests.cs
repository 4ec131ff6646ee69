namespace FusionCluster.Hosting.Tests;

/// <summary>Which log entries an embedded silo keeps once it stops: Orleans' and Polly's go, FusionCluster's stay.</summary>
public sealed class ShutdownLogFilterTests
{
    [Theory]
    [InlineData("Orleans.Grain", false)]
    [InlineData("Orleans.Runtime.Placement.PlacementService", false)]
    [InlineData("Polly", false)]
    [InlineData("Polly[3]", false)]
    [InlineData("FusionCluster.Grains.Jobs.MergeJobGrain", true)]
    [InlineData("OrleansDashboardLike.Category", true)]
    [InlineData("PollyAnna", true)]
    [InlineData("Microsoft.Hosting.Lifetime", true)]
    public void Once_stopping_only_orleans_and_polly_entries_are_dropped(string category, bool kept)
    {
        Assert.True(ShutdownLogFilter.Allows(category, stopping: false));
        Assert.Equal(kept, ShutdownLogFilter.Allows(category, stopping: true));
    }

    [Fact]
    public void The_filter_drops_them_only_after_it_is_told_the_silo_stops()
    {
        var filter = new ShutdownLogFilter();
        Assert.True(filter.Allows("Orleans.Grain"));

        filter.Stopping();

        Assert.False(filter.Allows("Orleans.Grain"));
        Assert.True(filter.Allows("FusionCluster.Hosting.EmbeddedCluster"));
    }
}
