using FusionCluster.Dashboard.Cluster;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Cluster;

public sealed class SiloRowsTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public void Departed_silos_are_listed_after_the_active_ones_most_recent_first_within_the_retention_window()
    {
        var now = Samples.Submitted;
        var rows = SiloRows.Build(
            [Samples.Silo("silo-1"), Samples.Silo("silo-2")],
            [
                Samples.Member("silo-1"),
                Samples.Member("silo-2"),
                Samples.Member("silo-3", SiloDeparture.DeclaredDead, now.AddMinutes(-50)),
                Samples.Member("silo-4", SiloDeparture.Graceful, now.AddMinutes(-5)),
                Samples.Member("silo-5", SiloDeparture.DeclaredDead, now.AddMinutes(-61)),
            ],
            now,
            Hour);

        Assert.Equal(["silo-1", "silo-2", "silo-4", "silo-3"], rows.Select(r => r.Name));
        Assert.Equal([SiloRowState.Active, SiloRowState.Active, SiloRowState.Left, SiloRowState.Dead], rows.Select(r => r.State));
        Assert.Null(rows[3].Info);
        Assert.True(rows[3].IsDeparted);
    }

    [Fact]
    public void A_silo_still_answering_the_load_query_but_dead_in_the_table_shows_dead()
    {
        // The silo's own membership view lags the table by a probe round: the table wins.
        var rows = SiloRows.Build([Samples.Silo("silo-1")], [Samples.Member("silo-1", SiloDeparture.DeclaredDead)], Samples.Submitted, Hour);

        Assert.Equal(SiloRowState.Dead, Assert.Single(rows).State);
        Assert.NotNull(rows[0].Info);
    }

    [Fact]
    public void A_suspected_silo_is_flagged_as_not_answering()
    {
        var rows = SiloRows.Build([Samples.Silo("silo-1")], [Samples.Member("silo-1", reason: "suspected by 1 silo")], Samples.Submitted, Hour);

        Assert.Equal("not answering", Assert.Single(rows).StateText);
    }

    [Fact]
    public void Without_a_membership_table_the_active_silos_are_listed_as_before()
    {
        var rows = SiloRows.Build([Samples.Silo("silo-1")], [], Samples.Submitted, Hour);

        Assert.Equal(SiloRowState.Active, Assert.Single(rows).State);
        Assert.Null(rows[0].Member);
    }
}
