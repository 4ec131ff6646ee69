using FusionCluster.Dashboard.Jobs;
using FusionCluster.Dashboard.Services;
using FusionCluster.Grains.Abstractions;
using Microsoft.AspNetCore.Components;

namespace FusionCluster.Dashboard.Components.Pages;

/// <summary>Every job of the catalog: sortable, searchable, filterable by state; refreshed after each poll of the shared monitor.</summary>
public sealed partial class Jobs : IDisposable
{
    private const string AllStates = "";

    private static readonly int[] PageSizes = [25, 50, 100, 200];

    [Inject]
    private IClusterMonitor Monitor { get; set; } = default!;

    /// <summary>Pre-selects a state (the overview's counts link here with it).</summary>
    [SupplyParameterFromQuery(Name = "state")]
    private string? StateQuery { get; set; }

    private ClusterSnapshot? Snapshot { get; set; }

    private IReadOnlyList<JobRow> Rows { get; set; } = [];

    private string Search { get; set; } = "";

    private string State { get; set; } = AllStates;

    public void Dispose() => Monitor.Changed -= OnMonitorChanged;

    protected override void OnInitialized()
    {
        Monitor.Changed += OnMonitorChanged;
        Update();
    }

    protected override void OnParametersSet() =>
        State = Enum.TryParse<JobState>(StateQuery, ignoreCase: true, out var state) ? state.ToString() : AllStates;

    private bool Filter(JobRow row) =>
        (State == AllStates || row.State.ToString() == State) && row.Matches((Search ?? "").Trim());

    private void OnMonitorChanged() => _ = InvokeAsync(() =>
    {
        if (!ReferenceEquals(Monitor.Latest, Snapshot))
        {
            Update();
            StateHasChanged();
        }
    });

    private void Update()
    {
        var previous = Snapshot;
        Snapshot = Monitor.Latest;
        if (!ReferenceEquals(previous?.Jobs, Snapshot?.Jobs))
        {
            // Newest first until the user sorts by a column.
            Rows = Snapshot?.Jobs.OrderByDescending(j => j.SubmittedAt).Select(j => new JobRow(j)).ToList() ?? [];
        }
    }
}
