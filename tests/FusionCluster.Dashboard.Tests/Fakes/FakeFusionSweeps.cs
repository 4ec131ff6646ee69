using System.Collections.Concurrent;
using FusionCluster.Dashboard.Services;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Dashboard.Tests.Fakes;

/// <summary>The cluster's sweeps as a page test wants them: canned answers, calls that never finish (loading), calls that throw (error).</summary>
public sealed class FakeFusionSweeps : IFusionSweeps
{
    public List<SweepSummary> Sweeps { get; } = [];

    public Dictionary<string, SweepStatus> Statuses { get; } = new(StringComparer.Ordinal);

    /// <summary>Runs by sweep and number; GetRunAsync(0) answers the highest number.</summary>
    public Dictionary<(string SweepId, int Number), SweepRunDetail> Runs { get; } = [];

    /// <summary>When set, every read waits for it (the page stays in its loading state).</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>When set, every call throws it.</summary>
    public Exception? Failure { get; set; }

    public SweepRunRequestResult RunResult { get; set; } = new() { Started = true, Run = 2 };

    public ConcurrentQueue<string> RunRequests { get; } = new();

    public ConcurrentQueue<string> Paused { get; } = new();

    public ConcurrentQueue<(string Sweep, int Run)> CancelledRuns { get; } = new();

    /// <summary>A cancel reaches the run once its finish has begun: the run comes back as it ended.</summary>
    public bool CancelTooLate { get; set; }

    public ConcurrentQueue<string> Resumed { get; } = new();

    public ConcurrentQueue<(string SweepId, string? Cron, string? TimeZone, bool Queue)> Schedules { get; } = new();

    /// <summary>When set, SetScheduleAsync refuses the schedule with this error and changes nothing.</summary>
    public string? ScheduleError { get; set; }

    public ConcurrentQueue<(string SweepId, SweepDefinition Definition)> Created { get; } = new();

    public ConcurrentQueue<string> Deleted { get; } = new();

    /// <summary>When set, CreateAsync answers with this error and creates nothing.</summary>
    public string? CreateError { get; set; }

    public async Task<SweepStatus> CreateAsync(string sweepId, SweepDefinition definition, CancellationToken cancellationToken)
    {
        await WaitAsync(cancellationToken);
        if (CreateError is not null)
        {
            return new SweepStatus { Id = sweepId, Error = CreateError };
        }

        Created.Enqueue((sweepId, definition));
        return new SweepStatus { Id = sweepId, Exists = true };
    }

    public async Task DeleteAsync(string sweepId, CancellationToken cancellationToken)
    {
        await WaitAsync(cancellationToken);
        Deleted.Enqueue(sweepId);
        Sweeps.RemoveAll(s => s.Id == sweepId);
        Statuses.Remove(sweepId);
    }

    public async Task<IReadOnlyList<SweepSummary>> ListSweepsAsync(CancellationToken cancellationToken)
    {
        await WaitAsync(cancellationToken);
        return Sweeps.ToList();
    }

    public async Task<SweepStatus?> GetSweepAsync(string sweepId, CancellationToken cancellationToken)
    {
        await WaitAsync(cancellationToken);
        return Statuses.GetValueOrDefault(sweepId);
    }

    public async Task<SweepRunDetail?> GetRunAsync(string sweepId, int number, CancellationToken cancellationToken)
    {
        await WaitAsync(cancellationToken);
        if (number == 0)
        {
            var newest = Runs.Keys.Where(k => k.SweepId == sweepId).Select(k => k.Number).DefaultIfEmpty(0).Max();
            number = newest;
        }

        return Runs.GetValueOrDefault((sweepId, number));
    }

    public Task<SweepRunRequestResult> RunAsync(string sweepId, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        RunRequests.Enqueue(sweepId);
        return Task.FromResult(RunResult);
    }

    public Task<SweepStatus> PauseAsync(string sweepId, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        Paused.Enqueue(sweepId);
        var status = Statuses[sweepId] with { Paused = true };
        Statuses[sweepId] = status;
        return Task.FromResult(status);
    }

    public Task<SweepRunDetail?> CancelRunAsync(string sweepId, int number, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        CancelledRuns.Enqueue((sweepId, number));
        if (!Runs.TryGetValue((sweepId, number), out var run))
        {
            return Task.FromResult<SweepRunDetail?>(null);
        }

        var cancelled = CancelTooLate ? run : run with { Summary = run.Summary with { State = SweepRunState.Cancelled } };
        Runs[(sweepId, number)] = cancelled;
        Statuses[sweepId] = Statuses[sweepId] with { ActiveRun = 0 };
        return Task.FromResult<SweepRunDetail?>(cancelled);
    }

    public Task<SweepStatus> ResumeAsync(string sweepId, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        Resumed.Enqueue(sweepId);
        var status = Statuses[sweepId] with { Paused = false };
        Statuses[sweepId] = status;
        return Task.FromResult(status);
    }

    public Task<SweepStatus> SetScheduleAsync(string sweepId, string? cron, string? timeZone, bool queueOverlaps, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        if (ScheduleError is { } error)
        {
            return Task.FromResult(Statuses[sweepId] with { Error = error });
        }

        Schedules.Enqueue((sweepId, cron, timeZone, queueOverlaps));
        var schedule = string.IsNullOrWhiteSpace(cron) ? "" : $"{cron} ({timeZone ?? "UTC"}, overlap: {(queueOverlaps ? "queue" : "skip")})";
        var status = Statuses[sweepId] with { Schedule = schedule };
        Statuses[sweepId] = status;
        return Task.FromResult(status);
    }

    public ConcurrentQueue<(string SweepId, SweepDefinition Definition)> Edited { get; } = new();

    /// <summary>When set, EditAsync refuses the definition with this error and changes nothing.</summary>
    public string? EditError { get; set; }

    public async Task<SweepStatus> EditAsync(string sweepId, SweepDefinition definition, CancellationToken cancellationToken)
    {
        await WaitAsync(cancellationToken);
        if (EditError is { } error)
        {
            return Statuses[sweepId] with { Error = error };
        }

        Edited.Enqueue((sweepId, definition));
        var status = Statuses[sweepId] with { SpecText = definition.SpecText };
        Statuses[sweepId] = status;
        return status;
    }

    private async Task WaitAsync(CancellationToken cancellationToken)
    {
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        ThrowIfFailing();
    }

    private void ThrowIfFailing()
    {
        if (Failure is not null)
        {
            throw Failure;
        }
    }
}
