using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps;

/// <summary>The run a sweep holds back while another is going (overlap: queue), and its schedule log, in its persisted state.</summary>
public static class SweepQueue
{
    /// <summary>Folds a run into the queued one: the first trigger stays, the latest occurrence wins, occurrences add up.</summary>
    public static void Enqueue(SweepGrainState state, SweepTrigger trigger, DateTimeOffset occurrence, int occurrences)
    {
        state.QueuedTrigger ??= trigger;
        state.QueuedOccurrence = state.QueuedOccurrence is { } earlier && earlier > occurrence ? earlier : occurrence;
        state.QueuedOccurrences += occurrences;
    }

    public static void Clear(SweepGrainState state)
    {
        state.QueuedTrigger = null;
        state.QueuedOccurrence = null;
        state.QueuedOccurrences = 0;
    }

    /// <summary>Appends to the schedule log, dropping the oldest entries beyond <paramref name="length"/>.</summary>
    public static void Log(SweepGrainState state, DateTimeOffset at, ScheduledFire fire, string action, int run, int length)
    {
        state.ScheduleLog.Add(new ScheduleLogEntry { At = at, Occurrence = fire.Occurrence, Occurrences = fire.Occurrences, Action = action, Run = run });
        if (state.ScheduleLog.Count > length)
        {
            state.ScheduleLog.RemoveRange(0, state.ScheduleLog.Count - length);
        }
    }
}
