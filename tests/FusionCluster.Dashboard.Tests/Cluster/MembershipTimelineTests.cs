using FusionCluster.Dashboard.Cluster;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Cluster;

public sealed class MembershipTimelineTests
{
    [Fact]
    public void Joins_and_departures_within_the_window_come_newest_first()
    {
        var now = Samples.Submitted;
        var events = MembershipTimeline.Build(
            [
                Samples.Member("silo-1") with { StartedAt = now.AddMinutes(-30) },
                Samples.Member("silo-2", SiloDeparture.DeclaredDead, now.AddMinutes(-10), "declared dead by 2 silos") with { StartedAt = now.AddMinutes(-20) },
                Samples.Member("silo-3", SiloDeparture.Graceful, now.AddMinutes(-5), "shut down gracefully") with { StartedAt = now.AddHours(-3) },
            ],
            now,
            TimeSpan.FromHours(1));

        Assert.Equal(
            [("silo-3", "left"), ("silo-2", "declared dead"), ("silo-2", "joined"), ("silo-1", "joined")],
            events.Select(e => (e.Silo, e.WhatText)));
        Assert.Equal("declared dead by 2 silos", events[1].Detail);
        Assert.Equal(now.AddMinutes(-10), events[1].At);
    }

    [Fact]
    public void The_timeline_is_capped()
    {
        var now = Samples.Submitted;
        var members = Enumerable.Range(0, 40).Select(i => Samples.Member($"silo-{i}", SiloDeparture.Graceful, now.AddSeconds(-i)) with { StartedAt = now.AddMinutes(-1) }).ToList();

        Assert.Equal(MembershipTimeline.MaxEvents, MembershipTimeline.Build(members, now, TimeSpan.FromHours(1)).Count);
    }
}
