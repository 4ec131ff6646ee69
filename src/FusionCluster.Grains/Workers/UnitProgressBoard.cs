using System.Collections.Concurrent;
using System.Globalization;

namespace FusionCluster.Grains.Workers;

/// <summary>
/// When each unit running on this silo last made progress (input bytes read, a tensor written, a beat of its
/// compute loop), and the stall rule over it: a unit silent for longer than a limit is stalled. A stalled unit
/// cannot be cancelled (a hung GPU call or read ignores its token) and keeps its slot and its device, so the
/// silo's liveness probe fails on it and Kubernetes restarts the silo; the job then loses the silo and runs
/// the unit again elsewhere. Queued units are not on the board: waiting for a slot is not a stall.
/// </summary>
public sealed class UnitProgressBoard(TimeProvider time)
{
    private readonly ConcurrentDictionary<RunningUnitProgress, byte> running = new();

    /// <summary>Units running now.</summary>
    public int Count => running.Count;

    /// <summary>Puts a unit that starts running on the board; disposing the entry takes it off.</summary>
    public RunningUnitProgress Start(string job, int unit, int attempt)
    {
        var entry = new RunningUnitProgress(this, job, unit, attempt, time);
        running[entry] = 0;
        return entry;
    }

    /// <summary>The running units that made no progress for longer than <paramref name="limit"/>, longest silent first.</summary>
    public IReadOnlyList<StalledUnit> Stalled(TimeSpan limit)
    {
        var now = time.GetUtcNow();
        return running.Keys
            .Select(u => new StalledUnit(u.Job, u.Unit, u.Attempt, now - u.LastProgress))
            .Where(u => u.Silent > limit)
            .OrderByDescending(u => u.Silent)
            .ToList();
    }

    /// <summary>
    /// Null while no running unit has been silent for longer than <paramref name="limit"/> (or the limit is zero:
    /// the rule is off); else one line naming the longest silent unit, as /healthz/live answers it.
    /// </summary>
    public string? StallReason(TimeSpan limit)
    {
        if (limit <= TimeSpan.Zero || Stalled(limit) is not [var worst, ..] stalled)
        {
            return null;
        }

        var others = stalled.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" (and {stalled.Count - 1} more)") : "";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"job {worst.Job} unit {worst.Unit} (attempt {worst.Attempt}) made no progress for {worst.Silent.TotalSeconds:0} s{others} (limit {limit.TotalSeconds:0} s): the worker loop is stuck");
    }

    internal void Remove(RunningUnitProgress entry) => running.TryRemove(entry, out _);
}
