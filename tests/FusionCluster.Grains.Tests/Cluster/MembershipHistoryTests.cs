using System.Net;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Cluster;
using Orleans;
using Orleans.Runtime;

namespace FusionCluster.Grains.Tests.Cluster;

/// <summary>The membership table's rows read as when and why silos left.</summary>
public sealed class MembershipHistoryTests
{
    private static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_silo_voted_dead_was_declared_dead_at_the_last_vote_by_the_voters()
    {
        var entry = Entry("silo-2", 2, SiloStatus.Dead, aliveAt: T0.AddSeconds(10));
        entry.SuspectTimes = [Tuple.Create(Address(1), T0.AddSeconds(14)), Tuple.Create(Address(3), T0.AddSeconds(16)), Tuple.Create(Address(1), T0.AddSeconds(15))];

        var member = MembershipHistory.Of(entry);

        Assert.Equal(SiloDeparture.DeclaredDead, member.Departure);
        Assert.Equal(new DateTimeOffset(T0.AddSeconds(16)), member.LeftAt);
        Assert.Equal("declared dead by 2 silos: it stopped answering probes (last heard from 12:00:10 UTC)", member.Reason);
        Assert.Equal("Dead", member.Status);
        Assert.False(member.IsActive);
    }

    [Fact]
    public void A_silo_dead_without_votes_shut_down_gracefully_when_it_last_wrote_its_row()
    {
        var member = MembershipHistory.Of(Entry("silo-3", 3, SiloStatus.Dead, aliveAt: T0.AddMinutes(5)));

        Assert.Equal((SiloDeparture.Graceful, "shut down gracefully"), (member.Departure, member.Reason));
        Assert.Equal(new DateTimeOffset(T0.AddMinutes(5)), member.LeftAt);
    }

    [Fact]
    public void Active_and_suspected_silos_have_not_left()
    {
        var suspected = Entry("silo-1", 1, SiloStatus.Active, aliveAt: T0);
        suspected.SuspectTimes = [Tuple.Create(Address(2), T0.AddSeconds(1))];

        var members = MembershipHistory.From([Entry("silo-4", 4, SiloStatus.Active, aliveAt: T0), suspected]);

        Assert.All(members, m => Assert.Equal((SiloDeparture.None, (DateTimeOffset?)null), (m.Departure, m.LeftAt)));
        Assert.Equal("suspected by 1 silo", members.Single(m => m.Name == "silo-1").Reason);
        Assert.True(members[0].IsActive);
    }

    [Fact]
    public void Newest_change_comes_first()
    {
        var members = MembershipHistory.From(
        [
            Entry("old", 1, SiloStatus.Dead, aliveAt: T0.AddMinutes(1)),
            Entry("new", 2, SiloStatus.Active, aliveAt: T0, startedAt: T0.AddMinutes(3)),
            Entry("mid", 3, SiloStatus.Dead, aliveAt: T0.AddMinutes(2)),
        ]);

        Assert.Equal(["new", "mid", "old"], members.Select(m => m.Name));
    }

    private static SiloAddress Address(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + n), 1);

    private static MembershipEntry Entry(string name, int n, SiloStatus status, DateTime aliveAt, DateTime? startedAt = null) => new()
    {
        SiloName = name,
        SiloAddress = Address(n),
        Status = status,
        StartTime = startedAt ?? T0.AddHours(-1),
        IAmAliveTime = aliveAt,
        SuspectTimes = [],
    };
}
