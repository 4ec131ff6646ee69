using FusionCluster.Core.Execution;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Jobs.Scheduling;

/// <summary>
/// Decides which of a job's units run where and when, over the job's persisted unit records (it changes
/// them; the caller saves them). A unit is ready when it is pending, every unit it depends on is done,
/// and every phase its phase comes after is complete. Attempts go to silos by <see cref="SiloChoice"/>
/// under a lease; expired leases and departed silos take units back (a loss), failures are retried up
/// to <see cref="JobOptions.MaxAttempts"/>, losses tolerated up to <see cref="JobOptions.MaxLosses"/>.
/// Plain and single-threaded: the grain calls it between awaits, tests call it directly.
/// </summary>
public sealed class UnitScheduler
{
    private readonly UnitRecord[] records;
    private readonly JobSchedule schedule;
    private readonly JobOptions settings;
    private readonly int[] phaseOf;
    private readonly int[][] dependents;
    private readonly int[] missingDependencies;
    private readonly int[] phaseUnitsLeft;
    private readonly int[] phasesBlocking;
    private readonly int[][] laterPhases;
    private readonly SortedSet<int> ready = [];
    private readonly SortedSet<int> running = [];
    private readonly Dictionary<string, int> inFlight = new(StringComparer.Ordinal);

    /// <exception cref="ArgumentException">The records do not match the schedule, or its phases or dependencies are malformed.</exception>
    public UnitScheduler(UnitRecord[] records, JobSchedule schedule, JobOptions settings)
    {
        this.records = records;
        this.schedule = schedule;
        this.settings = settings;
        var count = schedule.Units.Count;
        if (records.Length != count)
        {
            throw new ArgumentException($"the job has {records.Length} unit records but its schedule {count} units", nameof(records));
        }

        phaseOf = PhaseOfEachUnit(schedule);
        phaseUnitsLeft = schedule.Phases.Select(p => p.Units.Count(u => records[u].State != UnitState.Done)).ToArray();
        laterPhases = schedule.Phases.Select((_, p) => Enumerable.Range(0, schedule.Phases.Count).Where(q => schedule.Phases[q].After.Contains(p)).ToArray()).ToArray();
        phasesBlocking = schedule.Phases.Select(p => p.After.Count(a => phaseUnitsLeft[a] > 0)).ToArray();
        var after = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        missingDependencies = new int[count];
        for (var i = 0; i < count; i++)
        {
            foreach (var dependency in schedule.Units[i].DependsOn)
            {
                if (dependency < 0 || dependency >= count || dependency == i)
                {
                    throw new ArgumentException($"unit {i} ({schedule.Units[i].Name}) depends on unit {dependency}, which is not another unit of the job", nameof(schedule));
                }

                after[dependency].Add(i);
                if (records[dependency].State != UnitState.Done)
                {
                    missingDependencies[i]++;
                }
            }
        }

        dependents = after.Select(a => a.ToArray()).ToArray();
        for (var i = 0; i < count; i++)
        {
            var unit = records[i];
            if (unit.State == UnitState.Done)
            {
                DoneCount++;
                DoneBytes += unit.BytesDone;
                if (unit.SiloName is not null)
                {
                    Tallies.Add(unit.SiloName, unit.BytesDone, unit.Result?.Seconds ?? 0);
                }
            }
            else if (unit.State == UnitState.Running)
            {
                running.Add(i);
                inFlight[unit.SiloKey!] = inFlight.GetValueOrDefault(unit.SiloKey!) + 1;
            }
            else if (IsReady(i))
            {
                ready.Add(i);
            }
        }
    }

    public int Count => records.Length;

    public int DoneCount { get; private set; }

    public long DoneBytes { get; private set; }

    public bool AllDone => DoneCount == records.Length;

    public SiloTallies Tallies { get; } = new();

    /// <summary>Running units, in index order.</summary>
    public IReadOnlyCollection<int> Running => running;

    /// <summary>Units that could start now, in index order.</summary>
    public IReadOnlyCollection<int> Ready => ready;

    /// <summary>Units in flight per silo key.</summary>
    public IReadOnlyDictionary<string, int> InFlight => inFlight;

    public ScheduledUnit Planned(int unit) => schedule.Units[unit];

    public bool IsPhaseComplete(int phase) => phaseUnitsLeft[phase] == 0;

    /// <summary>Whether a report or lease of <paramref name="attempt"/> still speaks for the unit (it runs that attempt).</summary>
    public bool IsCurrent(int unit, int attempt) =>
        unit >= 0 && unit < records.Length && records[unit].State == UnitState.Running && records[unit].Attempt == attempt;

    /// <summary>Ready units, lowest index first, each to the silo <see cref="SiloChoice"/> picks, while the job may run more.</summary>
    /// <param name="maxRunning">The job's cap on units running at once (0 or less: none).</param>
    /// <param name="queueFactor">How many units a silo holds per slot; <see cref="JobOptions.QueueFactor"/> when null.</param>
    public IReadOnlyList<UnitLaunch> Dispatch(IReadOnlyList<WorkerSilo> active, string device, int maxRunning, DateTimeOffset now, double? queueFactor = null)
    {
        var launches = new List<UnitLaunch>();
        if (ready.Count == 0 || active.Count == 0)
        {
            return launches;
        }

        var cap = maxRunning > 0 ? maxRunning : int.MaxValue;
        while (ready.Count > 0 && running.Count < cap)
        {
            if (SiloChoice.Pick(active, inFlight, device, queueFactor ?? settings.QueueFactor) is not { } silo)
            {
                break;
            }

            var index = ready.Min;
            ready.Remove(index);
            var unit = records[index];
            unit.State = UnitState.Running;
            unit.Attempt++;
            unit.SiloKey = silo.Key;
            unit.SiloName = silo.Name;
            unit.LeaseExpires = now + settings.LeaseDuration;
            (unit.History ??= []).Add(new UnitAttempt { Attempt = unit.Attempt, Silo = silo.Name, StartedAt = now });
            running.Add(index);
            inFlight[silo.Key] = inFlight.GetValueOrDefault(silo.Key) + 1;
            launches.Add(new UnitLaunch(index, unit.Attempt, silo));
        }

        return launches;
    }

    /// <summary>Records a finished unit and releases the units and phases waiting for it.</summary>
    /// <param name="phaseResult">What the unit leaves for later phases (null for merge units).</param>
    /// <param name="at">When the report came (now when null).</param>
    public void Complete(int index, UnitResult? result, string? phaseResult = null, DateTimeOffset? at = null)
    {
        var unit = records[index];
        EndAttempt(unit, UnitAttemptOutcome.Succeeded, null, at);
        StopRunning(index);
        unit.State = UnitState.Done;
        unit.Result = result;
        unit.PhaseResult = phaseResult;
        unit.BytesDone = schedule.Units[index].InputBytes;
        unit.LastError = null;
        DoneCount++;
        DoneBytes += unit.BytesDone;
        Tallies.Add(unit.SiloName!, unit.BytesDone, result?.Seconds ?? 0);
        foreach (var next in dependents[index])
        {
            if (--missingDependencies[next] == 0 && IsReady(next))
            {
                ready.Add(next);
            }
        }

        var phase = phaseOf[index];
        if (--phaseUnitsLeft[phase] > 0)
        {
            return;
        }

        foreach (var later in laterPhases[phase])
        {
            if (--phasesBlocking[later] == 0)
            {
                ready.UnionWith(schedule.Phases[later].Units.Where(IsReady));
            }
        }
    }

    /// <summary>
    /// Counts a failed attempt. Returns the job's failure message when the error is permanent or the unit
    /// has now failed <see cref="JobOptions.MaxAttempts"/> times; null when it should be requeued.
    /// </summary>
    public string? Fail(int index, string? error, bool permanent, DateTimeOffset? at = null)
    {
        var unit = records[index];
        unit.LastError = error;
        unit.Failures++;
        EndAttempt(unit, UnitAttemptOutcome.Failed, error ?? "failed", at);
        if (!permanent && unit.Failures < settings.MaxAttempts)
        {
            return null;
        }

        // The job fails with this unit: it shows as failed, not as still running, on every display.
        StopRunning(index);
        unit.State = UnitState.Failed;

        var tries = permanent ? "" : $" after {unit.Failures} attempts";
        return $"unit {index} ({schedule.Units[index].Name}) failed{tries}: {error}";
    }

    /// <summary>Takes a unit back from its silo; a loss (silo gone, lease expired) beyond <see cref="JobOptions.MaxLosses"/> is fatal.</summary>
    public UnitRequeue Requeue(int index, string reason, bool countsAsLoss, DateTimeOffset? at = null)
    {
        var unit = records[index];
        EndAttempt(unit, countsAsLoss ? UnitAttemptOutcome.Lost : UnitAttemptOutcome.Returned, reason, at);
        StopRunning(index);
        unit.State = UnitState.Pending;
        var silo = unit.SiloName;
        unit.SiloKey = null;
        unit.SiloName = null;
        unit.BytesDone = 0;
        if (countsAsLoss && ++unit.Losses > settings.MaxLosses)
        {
            unit.State = UnitState.Failed;
            return new UnitRequeue(index, silo, reason, $"unit {index} ({schedule.Units[index].Name}) was lost {unit.Losses} times; last: {reason}");
        }

        if (IsReady(index))
        {
            ready.Add(index);
        }

        return new UnitRequeue(index, silo, reason, null);
    }

    /// <summary>Running units whose silo is not among <paramref name="aliveSiloKeys"/> or whose lease ended before <paramref name="now"/>.</summary>
    public IReadOnlyList<UnitLoss> FindLost(IReadOnlySet<string> aliveSiloKeys, DateTimeOffset now)
    {
        var lost = new List<UnitLoss>();
        foreach (var i in running)
        {
            var unit = records[i];
            if (!aliveSiloKeys.Contains(unit.SiloKey!))
            {
                lost.Add(new UnitLoss(i, $"silo {unit.SiloName} left the cluster"));
            }
            else if (unit.LeaseExpires < now)
            {
                lost.Add(new UnitLoss(i, $"lease on silo {unit.SiloName} expired"));
            }
        }

        return lost;
    }

    /// <summary>Extends the leases <paramref name="silo"/> still holds (current attempts only) and records their progress.</summary>
    public void RenewLeases(string silo, IReadOnlyList<UnitLease> leases, DateTimeOffset expires)
    {
        foreach (var lease in leases)
        {
            if (IsCurrent(lease.Unit, lease.Attempt) && records[lease.Unit].SiloKey == silo)
            {
                records[lease.Unit].LeaseExpires = expires;
                records[lease.Unit].BytesDone = lease.BytesDone;
            }
        }
    }

    /// <summary>Gives every running unit a fresh lease (a new activation honours leases held before it once more).</summary>
    public void RenewAllLeases(DateTimeOffset expires)
    {
        foreach (var i in running)
        {
            records[i].LeaseExpires = expires;
        }
    }

    /// <summary>When the job ends: running units go back to pending and no silo holds any.</summary>
    public void ReleaseAll()
    {
        foreach (var index in running)
        {
            records[index].State = UnitState.Pending;
        }

        running.Clear();
        inFlight.Clear();
    }

    /// <summary>The results of the phases the unit's phase comes after, by phase order then unit index: what the unit may read.</summary>
    public IReadOnlyList<PhaseOutput> InputsOf(int index)
    {
        var phase = schedule.Phases[phaseOf[index]];
        return phase.After
            .Order()
            .SelectMany(p => schedule.Phases[p].Units.Order()
                .Where(u => records[u].PhaseResult is not null)
                .Select(u => new PhaseOutput(schedule.Phases[p].Name, u, records[u].PhaseResult!)))
            .ToList();
    }

    private bool IsReady(int index) =>
        records[index].State == UnitState.Pending && missingDependencies[index] == 0 && phasesBlocking[phaseOf[index]] == 0;

    /// <summary>Closes the unit's current attempt, unless a failure already closed it (a failed unit is requeued after).</summary>
    private static void EndAttempt(UnitRecord unit, UnitAttemptOutcome outcome, string? reason, DateTimeOffset? at)
    {
        if (unit.History is not { Count: > 0 } history || history[^1] is not { Outcome: UnitAttemptOutcome.Running } current || current.Attempt != unit.Attempt)
        {
            return;
        }

        history[^1] = current with { EndedAt = at ?? DateTimeOffset.UtcNow, Outcome = outcome, Reason = reason };
    }

    private void StopRunning(int index)
    {
        if (running.Remove(index) && records[index].SiloKey is { } silo && --inFlight[silo] == 0)
        {
            inFlight.Remove(silo);
        }
    }

    private static int[] PhaseOfEachUnit(JobSchedule schedule)
    {
        var phaseOf = Enumerable.Repeat(-1, schedule.Units.Count).ToArray();
        for (var p = 0; p < schedule.Phases.Count; p++)
        {
            var phase = schedule.Phases[p];
            foreach (var earlier in phase.After)
            {
                if (earlier < 0 || earlier >= p)
                {
                    throw new ArgumentException($"phase {p} ({phase.Name}) comes after phase {earlier}; a phase may only come after earlier phases", nameof(schedule));
                }
            }

            foreach (var unit in phase.Units)
            {
                if (unit < 0 || unit >= phaseOf.Length || phaseOf[unit] >= 0)
                {
                    throw new ArgumentException($"phase {p} ({phase.Name}) lists unit {unit}, which is not a unit of the job or belongs to another phase", nameof(schedule));
                }

                phaseOf[unit] = p;
            }
        }

        var orphan = Array.IndexOf(phaseOf, -1);
        return orphan < 0
            ? phaseOf
            : throw new ArgumentException($"unit {orphan} ({schedule.Units[orphan].Name}) belongs to no phase", nameof(schedule));
    }
}
