using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Sweeps;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>The queued run folds what arrives while another runs; the schedule log stays bounded.</summary>
public sealed class SweepQueueTests
{
    private static readonly DateTimeOffset Ten = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Queued_runs_fold_into_one_keeping_the_first_trigger_and_the_latest_occurrence()
    {
        var state = new SweepGrainState();
        SweepQueue.Enqueue(state, SweepTrigger.Schedule, Ten.AddHours(1), 2);
        SweepQueue.Enqueue(state, SweepTrigger.Manual, Ten, 1);

        Assert.Equal((SweepTrigger.Schedule, (DateTimeOffset?)Ten.AddHours(1), 3), (state.QueuedTrigger, state.QueuedOccurrence, state.QueuedOccurrences));

        SweepQueue.Clear(state);
        Assert.Equal((null, null, 0), (state.QueuedTrigger, state.QueuedOccurrence, state.QueuedOccurrences));
    }

    [Fact]
    public void The_schedule_log_drops_its_oldest_entries_beyond_its_length()
    {
        var state = new SweepGrainState();
        for (var hour = 0; hour < 5; hour++)
        {
            SweepQueue.Log(state, Ten.AddHours(hour), new ScheduledFire(Ten.AddHours(hour), 1), "started", hour + 1, length: 3);
        }

        Assert.Equal([3, 4, 5], state.ScheduleLog.Select(e => e.Run));
    }
}
