using System.Globalization;
using System.Text;
using FusionCluster.Dashboard.Formatting;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Jobs;

/// <summary>
/// One unit as its grid cell shows it. Mutable and with its tooltip cached: a job of 2,000 units
/// re-renders its grid many times a second while it runs, and only the cells that changed rebuild text.
/// </summary>
public sealed class UnitCell
{
    private readonly List<UnitAttempt> history = [];

    /// <param name="phase">The job phase of the unit: merge, align (a model's permutations, before any merge unit), statistics or best.</param>
    public UnitCell(int index, string name, string phase = MergePhase)
    {
        Index = index;
        Name = name;
        Phase = phase;
        ShortName = phase == MergePhase ? Display.ShortUnitName(name) : char.ToUpperInvariant(phase[0]).ToString();
        Refresh();
    }

    public const string MergePhase = "merge";

    public const string AlignPhase = "align";

    public const string StatisticsPhase = "statistics";

    /// <summary>The last phase of a scoring job that publishes its best: its units write the best's parts not written while scoring.</summary>
    public const string BestPhase = "best";

    public string Phase { get; }

    public int Index { get; }

    public string Name { get; }

    public string ShortName { get; }

    public UnitState State { get; private set; }

    public int Attempts { get; private set; }

    public string? Silo { get; private set; }

    public long InputBytes { get; private set; }

    public double Seconds { get; private set; }

    /// <summary>The last error of this unit, kept after it was queued again.</summary>
    public string? Error { get; private set; }

    /// <summary>The silo this unit was last lost with (it left or died while running it); null when never lost.</summary>
    public string? LostOn { get; private set; }

    /// <summary>Every attempt, oldest first: the grain's record from the last snapshot, extended by live events since.</summary>
    public IReadOnlyList<UnitAttempt> History => history;

    public string CssClass { get; private set; } = "";

    public string Title { get; private set; } = "";

    /// <summary>Replaces the attempts with the grain's record.</summary>
    public void SetHistory(IReadOnlyList<UnitAttempt> attempts)
    {
        history.Clear();
        history.AddRange(attempts);
    }

    /// <summary>A live event started an attempt (numbered by the job; 0 when the event did not say).</summary>
    public void BeginAttempt(int attempt, string? silo, DateTimeOffset at)
    {
        var number = attempt > 0 ? attempt : history.Count + 1;
        if (history.Any(a => a.Attempt == number))
        {
            return;
        }

        history.Add(new UnitAttempt { Attempt = number, Silo = silo ?? "", StartedAt = at });
    }

    /// <summary>
    /// A live event ended an attempt: the one numbered <paramref name="attempt"/>, or (0) the newest running one. One already
    /// ended stays as it is (a replayed event); a numbered one not seen starting is recorded ended (its start event is
    /// still on its way: the job's events are one-way messages, which may arrive in another order).
    /// </summary>
    public void EndAttempt(int attempt, UnitAttemptOutcome outcome, DateTimeOffset at, string? reason, string? silo)
    {
        var index = history.FindLastIndex(a => a.EndedAt is null && (attempt <= 0 || a.Attempt == attempt));
        if (index >= 0)
        {
            history[index] = history[index] with { EndedAt = at, Outcome = outcome, Reason = reason };
        }
        else if (attempt > 0 && !history.Any(a => a.Attempt == attempt))
        {
            history.Add(new UnitAttempt { Attempt = attempt, Silo = silo ?? "", StartedAt = at, EndedAt = at, Outcome = outcome, Reason = reason });
        }
    }

    /// <summary>True when attempt <paramref name="attempt"/> is known to have ended: its start event, arriving late, changes nothing.</summary>
    public bool HasEnded(int attempt) => attempt > 0 && history.Any(a => a.Attempt == attempt && a.EndedAt is not null);

    /// <summary>True when a later attempt than <paramref name="attempt"/> is known: an event about it, arriving late, does not set the state.</summary>
    public bool HasLaterThan(int attempt) => attempt > 0 && history.Any(a => a.Attempt > attempt);

    /// <returns>True when something shown changed.</returns>
    public bool Update(UnitState state, string? silo, int? attempts = null, long? inputBytes = null, double? seconds = null, string? error = null, bool clearError = false)
    {
        var changed = state != State || silo != Silo || (attempts is { } a && a != Attempts) || (inputBytes is { } b && b != InputBytes)
            || (seconds is { } s && s != Seconds) || (error is not null && error != Error) || (clearError && Error is not null);
        if (!changed)
        {
            return false;
        }

        State = state;
        Silo = silo;
        Attempts = attempts ?? Attempts;
        InputBytes = inputBytes ?? InputBytes;
        Seconds = seconds ?? Seconds;
        Error = clearError ? null : error ?? Error;
        Refresh();
        return true;
    }

    /// <returns>True when this changed what the cell shows.</returns>
    public bool MarkLost(string? silo)
    {
        var lostOn = silo ?? "a silo";
        if (lostOn == LostOn)
        {
            return false;
        }

        LostOn = lostOn;
        Refresh();
        return true;
    }

    private void Refresh()
    {
        CssClass = StateColors.CssClass(State) + (Error is not null && State != UnitState.Failed ? " unit-had-error" : "") + (LostOn is not null ? " unit-lost" : "") + (Phase == MergePhase ? "" : $" unit-phase-{Phase}");
        var title = new StringBuilder();
        title.Append(CultureInfo.InvariantCulture, $"#{Index} {Name}{(Phase == MergePhase ? "" : $" ({Phase} phase)")}: {State}");
        if (Silo is not null)
        {
            title.Append(CultureInfo.InvariantCulture, $" on {Silo}");
        }

        if (Attempts > 1)
        {
            title.Append(CultureInfo.InvariantCulture, $", attempt {Attempts}");
        }

        if (InputBytes > 0)
        {
            title.Append(CultureInfo.InvariantCulture, $", {Display.Bytes(InputBytes)}");
        }

        if (Seconds > 0)
        {
            title.Append(CultureInfo.InvariantCulture, $", {Seconds:0.00} s");
        }

        if (Error is not null)
        {
            title.Append(CultureInfo.InvariantCulture, $"\nlast error: {Error}");
        }

        if (LostOn is not null)
        {
            title.Append(CultureInfo.InvariantCulture, $"\nretried: lost with {LostOn}");
        }

        Title = title.ToString();
    }
}
