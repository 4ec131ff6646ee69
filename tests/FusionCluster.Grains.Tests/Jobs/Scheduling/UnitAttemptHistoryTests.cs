using FusionCluster.Core.Execution;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs;
using FusionCluster.Grains.Jobs.Scheduling;
using static FusionCluster.Grains.Tests.Jobs.Scheduling.SchedulerFixture;

namespace FusionCluster.Grains.Tests.Jobs.Scheduling;

/// <summary>Each unit's attempts as the scheduler records them: where, when, how each ended; and a job-failing unit shows as failed.</summary>
public sealed class UnitAttemptHistoryTests
{
    private static readonly UnitResult Ok = new(0, 100, 50, 1.5, []);

    [Fact]
    public void A_unit_lost_with_its_silo_then_finished_elsewhere_keeps_both_attempts()
    {
        var records = Fresh(1);
        var scheduler = new UnitScheduler(records, Flat(1), Options());
        scheduler.Dispatch([SiloA], "cpu", 0, T0);
        var loss = Assert.Single(scheduler.FindLost(new HashSet<string> { SiloB.Key }, T0.AddSeconds(3)));
        scheduler.Requeue(loss.Unit, loss.Reason, countsAsLoss: true, T0.AddSeconds(3));
        scheduler.Dispatch([SiloB], "cpu", 0, T0.AddSeconds(4));
        scheduler.Complete(0, Ok, at: T0.AddSeconds(6));

        Assert.Equal(
            [
                new UnitAttempt { Attempt = 1, Silo = "silo-a", StartedAt = T0, EndedAt = T0.AddSeconds(3), Outcome = UnitAttemptOutcome.Lost, Reason = "silo silo-a left the cluster" },
                new UnitAttempt { Attempt = 2, Silo = "silo-b", StartedAt = T0.AddSeconds(4), EndedAt = T0.AddSeconds(6), Outcome = UnitAttemptOutcome.Succeeded },
            ],
            records[0].History!);
    }

    [Fact]
    public void A_failure_then_its_requeue_is_one_failed_attempt_and_a_handback_is_returned()
    {
        var records = Fresh(1);
        var scheduler = new UnitScheduler(records, Flat(1), Options());
        scheduler.Dispatch([SiloA], "cpu", 0, T0);
        Assert.Null(scheduler.Fail(0, "disk full", permanent: false, T0.AddSeconds(1)));
        scheduler.Requeue(0, "disk full", countsAsLoss: false, T0.AddSeconds(2));
        scheduler.Dispatch([SiloA], "cpu", 0, T0.AddSeconds(3));
        scheduler.Requeue(0, "returned by its worker", countsAsLoss: false, T0.AddSeconds(4));

        Assert.Equal(
            [(1, UnitAttemptOutcome.Failed, "disk full", T0.AddSeconds(1)), (2, UnitAttemptOutcome.Returned, "returned by its worker", T0.AddSeconds(4))],
            records[0].History!.Select(a => (a.Attempt, a.Outcome, a.Reason, a.EndedAt!.Value)));
        Assert.Equal(UnitState.Pending, records[0].State);
    }

    [Fact]
    public void A_unit_that_fails_the_job_is_failed_and_no_longer_running()
    {
        var records = Fresh(2);
        var scheduler = new UnitScheduler(records, Flat(2), Options(maxAttempts: 3));
        scheduler.Dispatch([SiloA, SiloB], "cpu", 0, T0);

        Assert.NotNull(scheduler.Fail(1, "tensor x has shape [2] in base but [3] in ft-1", permanent: true, T0.AddSeconds(1)));

        Assert.Equal(UnitState.Failed, records[1].State);
        Assert.Equal([0], scheduler.Running);
        Assert.Equal(UnitAttemptOutcome.Failed, Assert.Single(records[1].History!).Outcome);
    }

    [Fact]
    public void A_unit_lost_too_often_is_failed()
    {
        var records = Fresh(1);
        var scheduler = new UnitScheduler(records, Flat(1), Options(maxLosses: 1));
        scheduler.Dispatch([SiloA], "cpu", 0, T0);
        scheduler.Requeue(0, "gone", countsAsLoss: true);
        scheduler.Dispatch([SiloA], "cpu", 0, T0);

        Assert.NotNull(scheduler.Requeue(0, "gone", countsAsLoss: true).Fatal);
        Assert.Equal(UnitState.Failed, records[0].State);
        Assert.All(records[0].History!, a => Assert.Equal(UnitAttemptOutcome.Lost, a.Outcome));
    }
}
