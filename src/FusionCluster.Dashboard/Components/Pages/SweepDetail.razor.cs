using System.Globalization;
using FusionCluster.Dashboard.Hosting;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Dashboard.Sweeps;
using FusionCluster.Grains.Abstractions.Sweeps;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Components.Pages;

/// <summary>
/// One sweep: its schedule (read-only; the grains have no call to change it), run history, the leaderboard
/// of the selected run (the newest by default) and its objective against each swept parameter. The status
/// and the selected run are reloaded every <see cref="DashboardOptions.JobRefreshInterval"/> until the
/// circuit disposes the page. Run now, pause and resume are for operators, checked on the server.
/// </summary>
public sealed partial class SweepDetail : IAsyncDisposable
{
    private string? currentSweepId;

    /// <summary>True once the page counts as a live page in <see cref="DashboardMetrics"/>.</summary>
    private bool counted;
    private LivePage? live;
    private bool loaded;
    private string? loadError;
    private string? refreshError;
    private string? commandError;
    private string? commandResult;
    private string? runError;
    private bool isOperator;
    private bool busy;
    private bool confirmingDelete;
    /// <summary>The run whose cancel the operator is asked to confirm (0: none).</summary>
    private int confirmingCancelOf;
    private string? scheduleCron;
    private string? scheduleZone;
    private bool scheduleQueue;

    /// <summary>The run the leaderboard shows; 0 for the newest.</summary>
    private int selectedRun;

    [Parameter]
    public string SweepId { get; set; } = "";

    [Inject]
    private IFusionSweeps Cluster { get; set; } = default!;

    [Inject]
    private SweepCommands Commands { get; set; } = default!;

    [Inject]
    private SecretRedactor Redactor { get; set; } = default!;

    [Inject]
    private IOptions<DashboardOptions> Options { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    private SweepStatus? Status { get; set; }

    /// <summary>The page's lifetime and refreshes (created on first use: it needs the injected options and clock).</summary>
    private LivePage Live => live ??= new LivePage(Options.Value.JobRefreshInterval, Time);

    private SweepRunDetail? Run => View?.Run;

    private SweepRunView? View { get; set; }

    private string StateText => Status is null ? ""
        : Status.ActiveRun > 0 ? $"running run #{Status.ActiveRun}" + (Status.Paused ? ", paused" : "")
        : Status.Paused ? "paused"
        : Status.RunQueued ? "run queued"
        : "idle";

    public async ValueTask DisposeAsync()
    {
        if (counted)
        {
            counted = false;
            DashboardMetrics.Closed("sweep");
        }

        await Live.DisposeAsync();
    }

    internal static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    protected override async Task OnParametersSetAsync()
    {
        if (SweepId == currentSweepId)
        {
            return;
        }

        currentSweepId = SweepId;
        DashboardMetrics.Viewed("sweep");
        if (!counted)
        {
            counted = true;
            DashboardMetrics.Opened("sweep");
        }

        selectedRun = 0;
        var token = await Live.RestartAsync();
        isOperator = await Commands.IsOperatorAsync();
        await LoadAsync(token);
    }

    private async Task ReloadAsync() => await LoadAsync(await Live.RestartAsync());

    private ScheduleDraft Draft => new(scheduleCron ?? "", scheduleZone ?? "", scheduleQueue);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        (loaded, loadError, refreshError, commandError, commandResult, runError, Status, View) = (false, null, null, null, null, null, null, null);
        try
        {
            Status = await Cluster.GetSweepAsync(SweepId, cancellationToken);
            if (Status is not null)
            {
                // The editor starts from the schedule in force, not from an empty field that looks like one.
                var current = ScheduleDraft.FromStatus(Status.Schedule);
                (scheduleCron, scheduleZone, scheduleQueue) = (current.Cron, current.Zone, current.Queue);
                await LoadRunAsync(cancellationToken);
            }

            loaded = true;
            _ = RefreshLoopAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            loadError = Redactor.Redact(e.Message);
            loaded = true;
        }
    }

    private async Task LoadRunAsync(CancellationToken cancellationToken)
    {
        if (Status is not { Runs.Count: > 0 })
        {
            (View, runError) = (null, null);
            return;
        }

        try
        {
            var run = await Cluster.GetRunAsync(SweepId, selectedRun, cancellationToken);
            View = run is null ? null : new SweepRunView(run);
            runError = null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            runError = Redactor.Redact(e.Message);
        }
    }

    private async Task SelectRunAsync(int number)
    {
        // The newest run is followed as new runs start; an older one stays selected.
        selectedRun = Status?.Runs.Count > 0 && Status.Runs[0].Number == number ? 0 : number;
        await LoadRunAsync(Live.Token);
    }

    private Task RefreshLoopAsync(CancellationToken cancellationToken) =>
        Live.RunPeriodicallyAsync(InvokeAsync, () => RefreshAsync(cancellationToken), cancellationToken);

    private Task RefreshAsync(CancellationToken cancellationToken) => Live.RefreshAsync(async _ =>
    {
        try
        {
            var status = await Cluster.GetSweepAsync(SweepId, cancellationToken);
            if (status is not null)
            {
                Status = status;
                await LoadRunAsync(cancellationToken);
            }

            refreshError = null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            refreshError = Redactor.Redact(e.Message);
        }

        StateHasChanged();
    });

    private Task RunNowAsync() => CommandAsync("Starting a run", async token =>
    {
        var result = await Commands.RunAsync(SweepId, token);
        commandResult = result.Error is not null ? null
            : result.Started ? $"Run #{result.Run} started."
            : result.Queued ? "A run is going; this one is queued and starts when it finishes."
            : "The sweep did not start a run.";
        if (result.Error is not null)
        {
            commandError = $"The sweep refused a run: {Redactor.Redact(result.Error)}";
        }
    });

    private Task PauseAsync() => CommandAsync("Pausing", async token =>
    {
        Status = await Commands.PauseAsync(SweepId, token);
        commandResult = "Paused: no scheduled runs and no new merges until it is resumed; merges in flight finish.";
    });

    /// <summary>The shown run was cancelled: its points without a value will get none.</summary>
    private bool RunCancelled => View?.Run.Summary.State == SweepRunState.Cancelled;

    /// <summary>How a point without a value is counted: a cancelled run's pending points were never run.</summary>
    private string UnscoredState(CandidateState state) =>
        RunCancelled && state == CandidateState.Pending ? "not run (the run was cancelled)" : state.ToString().ToLowerInvariant();

    private Task CancelRunAsync() => CommandAsync("Cancelling the run", async token =>
    {
        var number = confirmingCancelOf;
        confirmingCancelOf = 0;
        var run = await Commands.CancelRunAsync(SweepId, number, token);
        commandResult = run?.Summary is not { } summary ? $"The sweep has no run #{number} any more."
            : summary.State == SweepRunState.Cancelled ? $"Run #{summary.Number} cancelled: {summary.Done} of {summary.Candidates} points done; nothing promoted."
            : $"Run #{summary.Number} had already {summary.State.ToString().ToLowerInvariant()}.";
        Status = await Cluster.GetSweepAsync(SweepId, token) ?? Status;
    });

    private Task ResumeAsync() => CommandAsync("Resuming", async token =>
    {
        Status = await Commands.ResumeAsync(SweepId, token);
        commandResult = "Resumed.";
    });

    private Task SaveScheduleAsync() => CommandAsync("Changing the schedule", async token =>
    {
        var status = await Commands.SetScheduleAsync(SweepId, scheduleCron, scheduleZone, scheduleQueue, token);
        if (status.Error is { } error)
        {
            commandError = $"The sweep refused the schedule: {Redactor.Redact(error)}";
            return;
        }

        Status = status;
        commandResult = status.Schedule.Length == 0 ? "Schedule removed: the sweep runs only on request." : $"Schedule set: {status.Schedule}.";
    });

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    private async Task DeleteAsync()
    {
        busy = true;
        commandError = null;
        try
        {
            await Commands.DeleteAsync(SweepId, Live.Token);
            Navigation.NavigateTo("sweeps");
        }
        catch (OperatorRequiredException e)
        {
            commandError = $"Refused: {e.Message}.";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            commandError = $"Delete failed: {Redactor.Redact(e.Message)}";
        }
        finally
        {
            (busy, confirmingDelete) = (false, false);
        }
    }

    private async Task CommandAsync(string what, Func<CancellationToken, Task> command)
    {
        busy = true;
        (commandError, commandResult) = (null, null);
        var token = Live.Token;
        try
        {
            await command(token);
            await LoadRunAsync(token);
        }
        catch (OperatorRequiredException e)
        {
            commandError = $"Refused: {e.Message}.";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            commandError = $"{what} failed: {Redactor.Redact(e.Message)}";
        }
        finally
        {
            busy = false;
        }
    }
}
