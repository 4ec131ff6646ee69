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
    private readonly LinkedList<UnitErrorEntry> errors = new();
    private readonly int[] counts = new int[Enum.GetValues<UnitState>().Length];
    private UnitCell[] cells = [];
    private bool recording = true;

    public IReadOnlyList<UnitCell> Cells => cells;

    /// <summary>Changes whenever anything shown changes (the grid re-renders only then).</summary>
    public int Version { get; private set; }

    public bool IsLoaded { get; private set; }

    /// <summary>Newest first.</summary>
    public IReadOnlyCollection<UnitErrorEntry> Errors => errors;

    public int Count(UnitState state) => counts[(int)state];

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
            cells[unit.Index].Update(unit.State, unit.Silo, unit.Attempts, unit.InputBytes, unit.Seconds, error, clearError: error is null);
            if (error is not null && !errors.Any(e => e.Unit == unit.Index && e.Message == error))
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
                return cell.Update(UnitState.Running, jobEvent.Silo, attempts: cell.Attempts + (cell.State == UnitState.Running ? 0 : 1));
            case JobEventKind.UnitFinished:
                return cell.Update(UnitState.Done, jobEvent.Silo, seconds: jobEvent.Seconds, inputBytes: jobEvent.Bytes > 0 ? jobEvent.Bytes : null);
            case JobEventKind.UnitFailed:
                AddError(new UnitErrorEntry(jobEvent.At, jobEvent.Unit, cell.Name, jobEvent.Silo, "failed", message ?? "failed"));
                return cell.Update(UnitState.Failed, jobEvent.Silo, error: message ?? "failed");
            case JobEventKind.UnitRequeued:
                if (message is not null)
                {
                    AddError(new UnitErrorEntry(jobEvent.At, jobEvent.Unit, cell.Name, jobEvent.Silo, "requeued", message));
                }

                return cell.Update(UnitState.Pending, silo: null, error: message);
            default:
                return false;
        }
    }

    private void AddError(UnitErrorEntry entry)
    {
        errors.AddFirst(entry);
        if (errors.Count > MaxErrors)
        {
            errors.RemoveLast();
        }
    }

    private void Changed()
    {
        Array.Clear(counts);
        foreach (var cell in cells)
        {
            counts[(int)cell.State]++;
        }

        Version++;
    }
}
