using FusionCluster.Core.Execution;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs;
using FusionCluster.Grains.Jobs.Scheduling;
using static FusionCluster.Grains.Tests.Jobs.Scheduling.SchedulerFixture;

namespace FusionCluster.Grains.Tests.Jobs.Scheduling;

/// <summary>
/// A job of two phases, as an alignment job will be: align units produce permutations (faked here), the
/// merge units may start only once every align unit is done, and each receives the align results.
/// </summary>
public sealed class PhasedJobTests
{
    // Units 0-1 align (one per model), units 2-4 merge; merge comes after align.
    private static readonly JobSchedule AlignThenMerge = new(
        [new("align ft-1", 10, []), new("align ft-2", 10, []), new("layer 0", 100, []), new("layer 1", 100, []), new("head", 100, [])],
        [new JobPhase("align", [0, 1], []), new JobPhase("merge", [2, 3, 4], [0])]);

    private static readonly WorkerSilo Wide = new("key-w", "wide", Slots: 8);

    [Fact]
    public void A_phase_waits_for_every_unit_of_the_phases_before_it()
    {
        var scheduler = Start(AlignThenMerge);
        Assert.Equal([0, 1], scheduler.Ready);
        Assert.Equal([0, 1], scheduler.Dispatch([Wide], "cpu", 0, T0).Select(l => l.Unit));

        scheduler.Complete(0, Result(0), "perm:2,0,1");
        Assert.Empty(scheduler.Ready);
        Assert.False(scheduler.IsPhaseComplete(0));

        scheduler.Complete(1, Result(1), "perm:1,2,0");
        Assert.True(scheduler.IsPhaseComplete(0));
        Assert.Equal([2, 3, 4], scheduler.Ready);
    }

    [Fact]
    public void A_two_phase_job_runs_to_completion_through_a_lost_unit_and_hands_align_results_to_merge_units()
    {
        var records = Fresh(5);
        var scheduler = new UnitScheduler(records, AlignThenMerge, Options(queueFactor: 1));
        var silos = new[] { SiloA, SiloB };
        var alive = new HashSet<string> { SiloA.Key, SiloB.Key };
        var now = T0;
        var received = new Dictionary<int, IReadOnlyList<PhaseOutput>>();
        var lostOnce = false;
        var steps = 0;
        while (!scheduler.AllDone)
        {
            Assert.True(++steps < 50, "the job made no progress");
            foreach (var launch in scheduler.Dispatch(silos, "cpu", 0, now))
            {
                // Align unit 1's first attempt dies with its lease; everything else finishes.
                if (launch.Unit == 1 && !lostOnce)
                {
                    lostOnce = true;
                    continue;
                }

                if (launch.Unit >= 2)
                {
                    received[launch.Unit] = scheduler.InputsOf(launch.Unit);
                }

                scheduler.Complete(launch.Unit, Result(launch.Unit), launch.Unit < 2 ? $"perm-of-{launch.Unit}" : null);
            }

            now = now.AddSeconds(31);
            foreach (var loss in scheduler.FindLost(alive, now))
            {
                Assert.Null(scheduler.Requeue(loss.Unit, loss.Reason, countsAsLoss: true).Fatal);
            }
        }

        Assert.All(records, r => Assert.Equal(UnitState.Done, r.State));
        Assert.Equal(2, records[1].Attempt);
        Assert.Equal(1, records[1].Losses);
        Assert.Equal(10 + 10 + 300, scheduler.DoneBytes);
        var expected = new[] { new PhaseOutput("align", 0, "perm-of-0"), new PhaseOutput("align", 1, "perm-of-1") };
        Assert.Equal([2, 3, 4], received.Keys.Order());
        Assert.All(received.Values, inputs => Assert.Equal(expected, inputs));
        Assert.Equal("perm-of-1", records[1].PhaseResult);
    }

    [Fact]
    public void A_job_rebuilt_after_its_first_phase_finished_starts_the_second_at_once()
    {
        var records = Fresh(5);
        foreach (var i in new[] { 0, 1 })
        {
            records[i].State = UnitState.Done;
            records[i].PhaseResult = $"perm-of-{i}";
        }

        var scheduler = new UnitScheduler(records, AlignThenMerge, Options());

        Assert.Equal([2, 3, 4], scheduler.Ready);
        Assert.Equal(2, scheduler.InputsOf(4).Count);
        Assert.Empty(scheduler.InputsOf(0));
    }

    private static UnitResult Result(int unit) => new(unit, 0, 0, 0.5, []);
}
