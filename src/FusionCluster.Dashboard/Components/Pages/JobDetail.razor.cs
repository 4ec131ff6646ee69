using FusionCluster.Dashboard.Artifacts;
using FusionCluster.Dashboard.Cluster;
using FusionCluster.Dashboard.Formatting;
using FusionCluster.Dashboard.Hosting;
using FusionCluster.Dashboard.Jobs;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Grains.Abstractions;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Components.Pages;

/// <summary>
/// One job, live: unit events from a grain observer recolour the unit grid as they arrive (renders are
/// coalesced to one per <see cref="RenderCoalescing"/>), and the job's status is reloaded every
/// <see cref="DashboardOptions.JobRefreshInterval"/> for the counters, throughput and silo shares. The
/// unit snapshot is reloaded every few refreshes as well, so a missed event heals by itself. Everything
/// stops when the circuit disposes the page.
/// </summary>
public sealed partial class JobDetail : IAsyncDisposable
{
    /// <summary>At most one render per this interval for unit events (2,000 units can finish in seconds).</summary>
    public static readonly TimeSpan RenderCoalescing = TimeSpan.FromMilliseconds(50);

    /// <summary>The full unit snapshot is reloaded on every n-th status refresh.</summary>
    private const int UnitRefreshEvery = 5;

    private string? currentJobId;

    /// <summary>True once the page counts as a live page in <see cref="DashboardMetrics"/>.</summary>
    private bool counted;
    private LivePage? live;
    private IAsyncDisposable? watch;
    private UnitBoard board = new(_ => "");
    private JobThroughput throughput = new();
    private bool loaded;
    private UnitFilter unitFilter;
    private UnitColourMode colourMode;
    private UnitCell? selectedUnit;
    private bool unitPanelOpen;
    private bool keptSamples;
    private string? loadError;
    private string? refreshError;
    private string? watchError;
    private string? commandError;
    private bool isOperator;
    private bool confirmingCancel;
    private bool cancelling;
    private bool renderScheduled;
    private int refreshes;
    private bool outputLoaded;
    private IReadOnlyList<ArtifactFile> artifacts = [];
    private string? artifactError;
    private MergeReportView? report;
    private string? reportError;
    private string? specText;

    [Parameter]
    public string JobId { get; set; } = "";

    [Inject]
    private IFusionCluster Cluster { get; set; } = default!;

    [Inject]
    private JobCommands Commands { get; set; } = default!;

    [Inject]
    private IArtifactBrowser Artifacts { get; set; } = default!;

    [Inject]
    private MergeReportReader Reports { get; set; } = default!;

    [Inject]
    private SpecArchive Specs { get; set; } = default!;

    [Inject]
    private SecretRedactor Redactor { get; set; } = default!;

    [Inject]
    private IOptions<DashboardOptions> Options { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private IClusterMonitor Monitor { get; set; } = default!;

    private JobStatus? Status { get; set; }

    /// <summary>
    /// The CPU and memory of the silos that ran the job's units, from its submission to its end (now while it runs),
    /// half a minute either side so a job shorter than the silos' reporting interval still shows a reading.
    /// </summary>
    private ResourceCharts SiloResources()
    {
        var pad = TimeSpan.FromSeconds(30);
        var end = Status!.IsFinished ? Status.SubmittedAt + TimeSpan.FromSeconds(Status.ElapsedSeconds) : Time.GetUtcNow();
        return ResourceCharts.Build(Monitor.Resources, Status.SubmittedAt - pad, end + pad, Status.SubmittedAt, [.. Status.Silos.Select(s => s.Silo)]);
    }

    /// <summary>The page's lifetime and refreshes (created on first use: it needs the injected options and clock).</summary>
    private LivePage Live => live ??= new LivePage(Options.Value.JobRefreshInterval, Time);

    /// <summary>Live events can run ahead of the last status; a finished job's own count is final.</summary>
    private int UnitsDone => Status is null ? 0 : Status.IsFinished ? Status.UnitsDone : Math.Max(Status.UnitsDone, board.Count(UnitState.Done));

    private int Percent => Status is null ? 0 : Display.Percent(UnitsDone, Status.UnitsTotal);

    private int SharedUnits => Status?.Silos.Sum(s => s.UnitsDone) ?? 0;

    public async ValueTask DisposeAsync()
    {
        if (counted)
        {
            counted = false;
            DashboardMetrics.Closed("job");
        }

        await StopAsync();
    }

    protected override async Task OnParametersSetAsync()
    {
        if (JobId == currentJobId)
        {
            return;
        }

        await StopWatchingAsync();
        currentJobId = JobId;
        CountView();
        var token = await Live.RestartAsync();
        isOperator = await Commands.IsOperatorAsync();
        await LoadAsync(token);
    }

    private async Task ReloadAsync()
    {
        await StopWatchingAsync();
        await LoadAsync(await Live.RestartAsync());
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        (loaded, loadError, refreshError, watchError, commandError, Status, outputLoaded, report, reportError, artifactError, specText) = (false, null, null, null, null, null, false, null, null, null, null);
        artifacts = [];
        board = new UnitBoard(Redactor.Redact);
        (selectedUnit, unitPanelOpen) = (null, false);
        throughput = new JobThroughput();
        refreshes = 0;
        try
        {
            Status = await Cluster.GetJobAsync(JobId, cancellationToken);
            if (Status is null)
            {
                // Not started (yet): watched all the same, so a job started under this id (fusion submit
                // --job-id) appears with its first event, and the status is polled meanwhile.
                loaded = true;
                await WatchAsync(cancellationToken);
                _ = RefreshLoopAsync(cancellationToken);
                return;
            }

            specText = Status.SpecText is { Length: > 0 } submitted ? submitted : Specs.Find(JobId);
            await LoadSamplesAsync(cancellationToken);
            throughput.Record(Status.ElapsedSeconds, Status.BytesDone);
            if (!Status.IsFinished)
            {
                // Subscribed before the unit snapshot is read: events in between are replayed onto it.
                await WatchAsync(cancellationToken);
            }

            await RefreshUnitsAsync(cancellationToken);
            loaded = true;
            if (Status.IsFinished)
            {
                await LoadOutputAsync(cancellationToken);
            }
            else
            {
                _ = RefreshLoopAsync(cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            loadError = Redactor.Redact(e.Message);
            loaded = true;
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            watch = await Cluster.WatchAsync(JobId, OnJobEvent, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The periodic refresh still shows progress, a few seconds behind.
            watchError = $"cannot subscribe to the job's events ({Redactor.Redact(e.Message)}); progress updates every second instead";
        }
    }

    private Task RefreshLoopAsync(CancellationToken cancellationToken) =>
        Live.RunPeriodicallyAsync(InvokeAsync, () => RefreshAsync(cancellationToken), cancellationToken, () => Status is { IsFinished: true } && outputLoaded);

    private Task RefreshAsync(CancellationToken cancellationToken) => Live.RefreshAsync(async _ =>
    {
        try
        {
            var status = await Cluster.GetJobAsync(JobId, cancellationToken);
            if (status is not null)
            {
                var stateChanged = status.State != Status?.State;
                if (Status is null)
                {
                    specText = status.SpecText is { Length: > 0 } submitted ? submitted : Specs.Find(JobId);
                }

                Status = status;
                throughput.Record(status.ElapsedSeconds, status.BytesDone);
                if (stateChanged || ++refreshes % UnitRefreshEvery == 0 || board.Cells.Count != status.UnitsTotal || status.IsFinished)
                {
                    await RefreshUnitsAsync(cancellationToken);
                }

                if (status.IsFinished && !outputLoaded)
                {
                    await StopWatchingAsync();
                    await LoadOutputAsync(cancellationToken);
                }
            }

            refreshError = null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            refreshError = Redactor.Redact(e.Message);
        }

        StateHasChanged();
    });

    /// <summary>The curve the job kept (from its start, also once finished); without it the page draws what it sees while open.</summary>
    private async Task LoadSamplesAsync(CancellationToken cancellationToken)
    {
        try
        {
            throughput.Load(await Cluster.GetJobMetricsAsync(JobId, cancellationToken));
            keptSamples = true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A cluster without kept samples (older silos): the live curve still fills in.
            keptSamples = false;
        }
    }

    private void SelectUnit(UnitCell cell)
    {
        selectedUnit = cell;
        unitPanelOpen = true;
    }

    private async Task RefreshUnitsAsync(CancellationToken cancellationToken)
    {
        board.BeginSnapshot();
        var units = await Cluster.GetUnitsAsync(JobId, cancellationToken);
        board.Load(units);
    }

    private async Task LoadOutputAsync(CancellationToken cancellationToken)
    {
        if (Status is not { State: JobState.Succeeded, Output: { Length: > 0 } output })
        {
            outputLoaded = true;
            return;
        }

        try
        {
            artifacts = await Artifacts.ListAsync(output, cancellationToken);
        }
        catch (ArtifactException e)
        {
            artifactError = Redactor.Redact(e.Message);
        }

        try
        {
            report = await Reports.ReadAsync(output, cancellationToken);
            if (report is { Spec.Length: > 0 })
            {
                specText = report.Spec;
            }
        }
        catch (ArtifactException e)
        {
            reportError = Redactor.Redact(e.Message);
        }

        outputLoaded = true;
    }

    /// <summary>Called by the job's observer on an Orleans thread; everything else happens on the circuit.</summary>
    private void OnJobEvent(JobEvent jobEvent) => _ = InvokeAsync(async () =>
    {
        if (!Live.IsAlive)
        {
            return;
        }

        if (jobEvent.Kind == JobEventKind.StateChanged)
        {
            await RefreshAsync(Live.Token);
            return;
        }

        if (board.Apply(jobEvent))
        {
            ScheduleRender(Live.Token);
        }
    });

    private void ScheduleRender(CancellationToken cancellationToken)
    {
        if (renderScheduled)
        {
            return;
        }

        renderScheduled = true;
        _ = RenderSoonAsync();

        async Task RenderSoonAsync()
        {
            try
            {
                await Task.Delay(RenderCoalescing, Time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await InvokeAsync(() =>
            {
                renderScheduled = false;
                StateHasChanged();
            });
        }
    }

    private async Task CancelJobAsync()
    {
        cancelling = true;
        commandError = null;
        try
        {
            await Commands.CancelAsync(JobId, Live.Token);
            await RefreshAsync(Live.Token);
        }
        catch (OperatorRequiredException e)
        {
            commandError = $"Refused: {e.Message}.";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            commandError = $"Cancelling failed: {Redactor.Redact(e.Message)}";
        }
        finally
        {
            cancelling = false;
            confirmingCancel = false;
        }
    }

    private void CountView()
    {
        DashboardMetrics.Viewed("job");
        if (!counted)
        {
            counted = true;
            DashboardMetrics.Opened("job");
        }
    }

    private async Task StopWatchingAsync()
    {
        if (watch is not null)
        {
            var stopping = watch;
            watch = null;
            await stopping.DisposeAsync();
        }
    }

    private async Task StopAsync()
    {
        await Live.StopAsync();
        await StopWatchingAsync();
    }
}
