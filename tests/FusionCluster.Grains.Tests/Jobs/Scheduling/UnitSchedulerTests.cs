using FusionCluster.Core.Execution;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs;
using FusionCluster.Grains.Jobs.Scheduling;
using static FusionCluster.Grains.Tests.Jobs.Scheduling.SchedulerFixture;

namespace FusionCluster.Grains.Tests.Jobs.Scheduling;

/// <summary>The scheduling rules one at a time: leases, losses, attempts, unit dependencies and the job's cap.</summary>
public sealed class UnitSchedulerTests
{
    private static readonly UnitResult Ok = new(0, 100, 50, 1.5, []);

    [Fact]
    public void An_expired_lease_puts_the_unit_back_in_the_queue()
    {
        var scheduler = Start(Flat(1));
        var launch = Assert.Single(scheduler.Dispatch([SiloA], "cpu", 0, T0));
        Assert.Equal((0, 1, SiloA), (launch.Unit, launch.Attempt, launch.Silo));

        var alive = new HashSet<string> { SiloA.Key };
        // The lease runs 30 s: still held one millisecond before it ends.
        Assert.Empty(scheduler.FindLost(alive, T0.AddSeconds(30).AddMilliseconds(-1)));
        var lost = Assert.Single(scheduler.FindLost(alive, T0.AddSeconds(30).AddMilliseconds(1)));
        Assert.Equal(new UnitLoss(0, "lease on silo silo-a expired"), lost);

        var requeue = scheduler.Requeue(lost.Unit, lost.Reason, countsAsLoss: true);
        Assert.Null(requeue.Fatal);
        Assert.Equal("silo-a", requeue.Silo);
        Assert.Equal([0], scheduler.Ready);
        Assert.Empty(scheduler.Running);
        Assert.Empty(scheduler.InFlight);

        // The next attempt is a new one: the old attempt's report no longer counts.
        var again = Assert.Single(scheduler.Dispatch([SiloB], "cpu", 0, T0.AddSeconds(31)));
        Assert.Equal(2, again.Attempt);
        Assert.False(scheduler.IsCurrent(0, 1));
        Assert.True(scheduler.IsCurrent(0, 2));
    }

    [Fact]
    public void A_renewed_lease_keeps_the_unit_only_for_its_own_silo_and_attempt()
    {
        var scheduler = Start(Flat(1));
        scheduler.Dispatch([SiloA], "cpu", 0, T0);
        var alive = new HashSet<string> { SiloA.Key, SiloB.Key };

        scheduler.RenewLeases(SiloB.Key, [new UnitLease(0, 1, 10)], T0.AddSeconds(50));
        scheduler.RenewLeases(SiloA.Key, [new UnitLease(0, 7, 10)], T0.AddSeconds(50));
        Assert.Single(scheduler.FindLost(alive, T0.AddSeconds(31)));

        scheduler.RenewLeases(SiloA.Key, [new UnitLease(0, 1, 10)], T0.AddSeconds(50));
        Assert.Empty(scheduler.FindLost(alive, T0.AddSeconds(49)));
        Assert.Single(scheduler.FindLost(alive, T0.AddSeconds(51)));
    }

    [Fact]
    public void A_unit_whose_silo_left_is_lost_before_its_lease_ends()
    {
        var scheduler = Start(Flat(2), Options(queueFactor: 1));
        scheduler.Dispatch([SiloA, SiloB], "cpu", 0, T0);

        var lost = Assert.Single(scheduler.FindLost(new HashSet<string> { SiloB.Key }, T0.AddSeconds(1)));
        Assert.Equal(new UnitLoss(0, "silo silo-a left the cluster"), lost);
    }

    [Fact]
    public void Losses_beyond_MaxLosses_fail_the_job()
    {
        var scheduler = Start(Flat(1), Options(maxLosses: 2));
        for (var loss = 1; loss <= 2; loss++)
        {
            scheduler.Dispatch([SiloA], "cpu", 0, T0);
            Assert.Null(scheduler.Requeue(0, "gone", countsAsLoss: true).Fatal);
        }

        scheduler.Dispatch([SiloA], "cpu", 0, T0);
        Assert.Equal("unit 0 (u0) was lost 3 times; last: gone", scheduler.Requeue(0, "gone", countsAsLoss: true).Fatal);
    }

    [Fact]
    public void Returns_do_not_count_as_losses()
    {
        var scheduler = Start(Flat(1), Options(maxLosses: 0));
        for (var i = 0; i < 5; i++)
        {
            scheduler.Dispatch([SiloA], "cpu", 0, T0);
            Assert.Null(scheduler.Requeue(0, "returned by its worker", countsAsLoss: false).Fatal);
        }

        Assert.Equal([0], scheduler.Ready);
    }

    [Fact]
    public void Failures_are_retried_until_MaxAttempts()
    {
        var scheduler = Start(Flat(1), Options(maxAttempts: 3));
        scheduler.Dispatch([SiloA], "cpu", 0, T0);
        Assert.Null(scheduler.Fail(0, "disk full", permanent: false));
        scheduler.Requeue(0, "disk full", countsAsLoss: false);
        scheduler.Dispatch([SiloA], "cpu", 0, T0);
        Assert.Null(scheduler.Fail(0, "disk full", permanent: false));
        scheduler.Requeue(0, "disk full", countsAsLoss: false);
        scheduler.Dispatch([SiloA], "cpu", 0, T0);

        Assert.Equal("unit 0 (u0) failed after 3 attempts: disk full", scheduler.Fail(0, "disk full", permanent: false));
    }

    [Fact]
    public void A_permanent_failure_fails_at_once()
    {
        var scheduler = Start(Flat(1), Options(maxAttempts: 3));
        scheduler.Dispatch([SiloA], "cpu", 0, T0);

        Assert.Equal("unit 0 (u0) failed: tensor x is missing", scheduler.Fail(0, "tensor x is missing", permanent: true));
    }

    [Fact]
    public void A_unit_waits_for_the_units_it_depends_on()
    {
        var units = new List<ScheduledUnit> { new("a", 10, []), new("b", 20, []), new("c", 30, [0, 1]) };
        var scheduler = Start(new JobSchedule(units, [new JobPhase("merge", [0, 1, 2], [])]));
        Assert.Equal([0, 1], scheduler.Ready);

        var wide = new WorkerSilo("key-w", "wide", Slots: 8);
        Assert.Equal([0, 1], scheduler.Dispatch([wide], "cpu", 0, T0).Select(l => l.Unit));
        scheduler.Complete(0, Ok);
        Assert.Empty(scheduler.Ready);
        scheduler.Complete(1, Ok);
        Assert.Equal([2], scheduler.Ready);
        Assert.Equal((2, 30L), (scheduler.DoneCount, scheduler.DoneBytes));
    }

    [Fact]
    public void A_requeued_unit_with_a_missing_dependency_waits_again()
    {
        // Unit 1 depends on unit 0, which is done; unit 1 runs and is lost: it is ready again at once.
        var units = new List<ScheduledUnit> { new("a", 10, []), new("b", 20, [0]) };
        var scheduler = Start(new JobSchedule(units, [new JobPhase("merge", [0, 1], [])]));
        scheduler.Dispatch([SiloA], "cpu", 0, T0);
        scheduler.Complete(0, Ok);
        scheduler.Dispatch([SiloA], "cpu", 0, T0);
        scheduler.Requeue(1, "gone", countsAsLoss: true);
        Assert.Equal([1], scheduler.Ready);
    }

    [Fact]
    public void The_job_cap_bounds_units_running_at_once()
    {
        var scheduler = Start(Flat(5));
        var wide = new WorkerSilo("key-w", "wide", Slots: 8);

        Assert.Equal([0, 1], scheduler.Dispatch([wide], "cpu", maxRunning: 2, T0).Select(l => l.Unit));
        Assert.Empty(scheduler.Dispatch([wide], "cpu", maxRunning: 2, T0));
        scheduler.Complete(1, Ok);
        Assert.Equal([2], scheduler.Dispatch([wide], "cpu", maxRunning: 2, T0).Select(l => l.Unit));
    }

    [Fact]
    public void Completing_records_the_planned_bytes_and_the_silos_tally()
    {
        var scheduler = Start(Flat(2), Options(queueFactor: 1));
        scheduler.Dispatch([SiloA, SiloB], "cpu", 0, T0);
        scheduler.Complete(0, Ok with { Seconds = 2 });
        scheduler.Complete(1, Ok with { Seconds = 3 });

        Assert.True(scheduler.AllDone);
        var a = scheduler.Tallies.Of("silo-a")!;
        Assert.Equal((1, 100L, 2.0), (a.UnitsDone, a.Bytes, a.Seconds));
        Assert.Equal((1, 100L, 3.0), (scheduler.Tallies.Of("silo-b")!.UnitsDone, scheduler.Tallies.Of("silo-b")!.Bytes, scheduler.Tallies.Of("silo-b")!.Seconds));
    }

    [Fact]
    public void Releasing_all_returns_running_units_to_pending()
    {
        var records = Fresh(2);
        var scheduler = new UnitScheduler(records, Flat(2), Options(queueFactor: 1));
        scheduler.Dispatch([SiloA, SiloB], "cpu", 0, T0);

        scheduler.ReleaseAll();

        Assert.All(records, r => Assert.Equal(UnitState.Pending, r.State));
        Assert.Empty(scheduler.Running);
        Assert.Empty(scheduler.InFlight);
    }

    [Fact]
    public void A_scheduler_rebuilt_from_saved_records_carries_on_where_the_job_was()
    {
        // As after a restart: unit 0 done on silo-a, unit 1 running on silo-b, unit 2 pending after unit 1.
        var records = Fresh(3);
        records[0].State = UnitState.Done;
        records[0].SiloName = "silo-a";
        records[0].BytesDone = 10;
        records[1].State = UnitState.Running;
        records[1].SiloKey = SiloB.Key;
        records[1].SiloName = SiloB.Name;
        records[1].Attempt = 1;
        var units = new List<ScheduledUnit> { new("a", 10, []), new("b", 20, []), new("c", 30, [1]) };

        var scheduler = new UnitScheduler(records, new JobSchedule(units, [new JobPhase("merge", [0, 1, 2], [])]), Options());

        Assert.Equal((1, 10L), (scheduler.DoneCount, scheduler.DoneBytes));
        Assert.Equal([1], scheduler.Running);
        Assert.Equal(1, scheduler.InFlight[SiloB.Key]);
        Assert.Empty(scheduler.Ready);
        Assert.Equal(1, scheduler.Tallies.Of("silo-a")!.UnitsDone);
        Assert.True(scheduler.IsCurrent(1, 1));
    }

    [Fact]
    public void Malformed_schedules_are_refused_with_the_unit_or_phase_named()
    {
        var two = new List<ScheduledUnit> { new("a", 1, []), new("b", 1, []) };
        var backwards = new JobSchedule(two, [new JobPhase("merge", [0], [1]), new JobPhase("align", [1], [])]);
        Assert.Contains("phase 0 (merge) comes after phase 1", Assert.Throws<ArgumentException>(() => new UnitScheduler(Fresh(2), backwards, Options())).Message);

        var orphan = new JobSchedule(two, [new JobPhase("merge", [0], [])]);
        Assert.Contains("unit 1 (b) belongs to no phase", Assert.Throws<ArgumentException>(() => new UnitScheduler(Fresh(2), orphan, Options())).Message);

        var selfish = new JobSchedule([new ScheduledUnit("a", 1, [0])], [new JobPhase("merge", [0], [])]);
        Assert.Contains("unit 0 (a) depends on unit 0", Assert.Throws<ArgumentException>(() => new UnitScheduler(Fresh(1), selfish, Options())).Message);

        Assert.Throws<ArgumentException>(() => new UnitScheduler(Fresh(3), Flat(2), Options()));
    }
}
