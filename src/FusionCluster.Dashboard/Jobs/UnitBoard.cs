using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Jobs;

/// <summary>
/// A job's units as its page shows them: the last snapshot from the job grain with the live events since
/// applied on top. Events that arrive while a snapshot is being fetched are replayed after it, so an older
/// snapshot never turns a finished cell back. Used on the circuit's synchronization context only.
/// </summary>
public sealed class UnitBoard(Func<string?, string> redact)
{
    public const int MaxErrors = 200;

    private readonly List<JobEvent> replay = [];
    private readonly List<UnitErrorEntry> errors = [];
    private readonly HashSet<(int Unit, int Attempt)> errorAttempts = [];
    private readonly int[] counts = new int[Enum.GetValues<UnitState>().Length];
    private UnitCell[] cells = [];
    private bool recording = true;

    public IReadOnlyList<UnitCell> Cells => cells;

    /// <summary>Changes whenever anything shown changes (the grid re-renders only then).</summary>
    public int Version { get; private set; }

    public bool IsLoaded { get; private set; }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<UnitErrorEntry> Errors => errors;

    public int Count(UnitState state) => counts[(int)state];

    /// <summary>Units that went back to the queue at least once because their silo was lost (left, died, stopped answering).</summary>
    public int LostCount { get; private set; }

    /// <summary>Units not failed now that had an error on an earlier attempt.</summary>
    public int RetriedAfterErrorCount { get; private set; }

    /// <summary>Starts keeping events for replay; call before fetching a snapshot.</summary>
    public void BeginSnapshot()
    {
        recording = true;
        replay.Clear();
    }

    /// <summary>Replaces every cell with the grain's snapshot, then replays the events that arrived meanwhile.</summary>
    public void Load(IReadOnlyList<UnitStatus> units)
    {
        if (cells.Length != units.Count)
        {
            cells = units.Select(u => new UnitCell(u.Index, u.Name, u.Phase)).ToArray();
        }

        foreach (var unit in units)
        {
            if (unit.Index < 0 || unit.Index >= cells.Length)
            {
                continue;
            }

            var error = unit.LastError is null ? null : redact(unit.LastError);
            var cell = cells[unit.Index];
            cell.Update(unit.State, unit.Silo, unit.Attempts, unit.InputBytes, unit.Seconds, error, clearError: error is null);
            cell.SetHistory(unit.History.Select(a => a.Reason is null ? a : a with { Reason = redact(a.Reason) }).ToList());
            if (unit.History.Count > 0)
            {
                // The grain's attempt log is the record: every ended attempt that was not a success, with its time and silo.
                foreach (var attempt in unit.History)
                {
                    if (attempt.Outcome is UnitAttemptOutcome.Failed or UnitAttemptOutcome.Lost or UnitAttemptOutcome.Returned)
                    {
                        AddError(new UnitErrorEntry(attempt.EndedAt, unit.Index, unit.Name, attempt.Silo, KindOf(attempt.Outcome), redact(attempt.Reason ?? KindOf(attempt.Outcome)), attempt.Attempt));
                    }

                    if (attempt.Outcome == UnitAttemptOutcome.Lost)
                    {
                        cell.MarkLost(attempt.Silo);
                    }
                }
            }
            else if (error is not null && !errors.Any(e => e.Unit == unit.Index && e.Message == error))
            {
                AddError(new UnitErrorEntry(null, unit.Index, unit.Name, unit.Silo, unit.State == UnitState.Failed ? "failed" : "last error", error));
            }
        }

        recording = false;
        IsLoaded = true;
        foreach (var pending in replay)
        {
            ApplyToCell(pending);
        }

        replay.Clear();
        Changed();
    }

    /// <returns>True when the event changed what the board shows.</returns>
    public bool Apply(JobEvent jobEvent)
    {
        if (recording)
        {
            replay.Add(jobEvent);
        }

        if (!ApplyToCell(jobEvent))
        {
            return false;
        }

        Changed();
        return true;
    }

    private bool ApplyToCell(JobEvent jobEvent)
    {
        if (jobEvent.Unit < 0 || jobEvent.Unit >= cells.Length)
        {
            return false;
        }

        var cell = cells[jobEvent.Unit];
        var message = jobEvent.Message is null ? null : redact(jobEvent.Message);
        switch (jobEvent.Kind)
        {
            case JobEventKind.UnitStarted:
                if (cell.HasEnded(jobEvent.Attempt) || cell.HasLaterThan(jobEvent.Attempt))
                {
                    // Started after it ended, as the events arrived (they may come in another order than they were sent).
                    return false;
                }

                cell.BeginAttempt(jobEvent.Attempt, jobEvent.Silo, jobEvent.At);
                return cell.Update(UnitState.Running, jobEvent.Silo, attempts: cell.Attempts + (cell.State == UnitState.Running ? 0 : 1));
            case JobEventKind.UnitFinished:
                cell.EndAttempt(jobEvent.Attempt, UnitAttemptOutcome.Succeeded, jobEvent.At, null, jobEvent.Silo);
                return cell.Update(UnitState.Done, jobEvent.Silo, seconds: jobEvent.Seconds, inputBytes: jobEvent.Bytes > 0 ? jobEvent.Bytes : null);
            case JobEventKind.UnitFailed:
                cell.EndAttempt(jobEvent.Attempt, UnitAttemptOutcome.Failed, jobEvent.At, message ?? "failed", jobEvent.Silo);
                AddError(new UnitErrorEntry(jobEvent.At, jobEvent.Unit, cell.Name, jobEvent.Silo, "failed", message ?? "failed", jobEvent.Attempt));
                return cell.HasLaterThan(jobEvent.Attempt) || cell.Update(UnitState.Failed, jobEvent.Silo, error: message ?? "failed");
            case JobEventKind.UnitRequeued:
                if (message is not null)
                {
                    // A failure's requeue repeats the failure already listed under the same attempt; AddError keeps one.
                    AddError(new UnitErrorEntry(jobEvent.At, jobEvent.Unit, cell.Name, jobEvent.Silo, KindOf(jobEvent.Outcome), message, jobEvent.Attempt));
                }

                cell.EndAttempt(jobEvent.Attempt, jobEvent.Outcome is UnitAttemptOutcome.Running ? UnitAttemptOutcome.Returned : jobEvent.Outcome, jobEvent.At, message, jobEvent.Silo);
                var lost = jobEvent.Outcome == UnitAttemptOutcome.Lost && cell.MarkLost(jobEvent.Silo);
                if (cell.HasLaterThan(jobEvent.Attempt))
                {
                    // The next attempt already started: the unit is no longer waiting in the queue.
                    return true;
                }

                // Only a failure is the unit's error; a loss or hand-back is marked as such (the snapshot says the same).
                var failure = jobEvent.Outcome is UnitAttemptOutcome.Lost or UnitAttemptOutcome.Returned ? null : message;
                return cell.Update(UnitState.Pending, silo: null, error: failure) | lost;
            default:
                return false;
        }
    }

    private static string KindOf(UnitAttemptOutcome outcome) => outcome switch
    {
        UnitAttemptOutcome.Failed => "failed",
        UnitAttemptOutcome.Lost => "silo lost",
        UnitAttemptOutcome.Returned => "returned",
        _ => "requeued",
    };

    /// <summary>Newest first; one entry per attempt when the attempt is known (a snapshot and the live events both report it).</summary>
    private void AddError(UnitErrorEntry entry)
    {
        if (entry.Attempt > 0 && !errorAttempts.Add((entry.Unit, entry.Attempt)))
        {
            var index = errors.FindIndex(e => e.Unit == entry.Unit && e.Attempt == entry.Attempt);
            if (index >= 0 && errors[index].At is null && entry.At is not null)
            {
                errors[index] = entry;
            }

            return;
        }

        var at = errors.FindIndex(e => (e.At ?? DateTimeOffset.MinValue) <= (entry.At ?? DateTimeOffset.MaxValue));
        errors.Insert(at < 0 ? errors.Count : at, entry);
        if (errors.Count > MaxErrors)
        {
            var dropped = errors[^1];
            errors.RemoveAt(errors.Count - 1);
            errorAttempts.Remove((dropped.Unit, dropped.Attempt));
        }
    }

    private void Changed()
    {
        Array.Clear(counts);
        LostCount = 0;
        RetriedAfterErrorCount = 0;
        foreach (var cell in cells)
        {
            counts[(int)cell.State]++;
            LostCount += cell.LostOn is null ? 0 : 1;
            RetriedAfterErrorCount += cell.Error is not null && cell.State != UnitState.Failed ? 1 : 0;
        }

        Version++;
    }
}
