using FusionCluster.Dashboard.Jobs;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Grains.Abstractions;
using Microsoft.AspNetCore.Components;

namespace FusionCluster.Dashboard.Components.Pages;

/// <summary>Every job of the catalog: sortable, searchable, filterable by state; refreshed after each poll of the shared monitor.</summary>
public sealed partial class Jobs : IDisposable
{
    private const string AllStates = "";
    private const string AllOrigins = "";
    private const string PeopleOrigin = "people";
    private const string SweepsOrigin = "sweeps";

    private static readonly int[] PageSizes = [25, 50, 100, 200];

    [Inject]
    private IClusterMonitor Monitor { get; set; } = default!;

    /// <summary>Pre-selects a state (the overview's counts link here with it).</summary>
    [SupplyParameterFromQuery(Name = "state")]
    private string? StateQuery { get; set; }

    [SupplyParameterFromQuery(Name = "q")]
    private string? SearchQuery { get; set; }

    /// <summary>people: jobs people submitted; sweeps: sweep candidates only; absent: both.</summary>
    [SupplyParameterFromQuery(Name = "origin")]
    private string? OriginQuery { get; set; }

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private SecretRedactor Redactor { get; set; } = default!;

    /// <summary>The jobs ticked for comparison, in the order ticked; a third tick replaces the oldest.</summary>
    private readonly List<string> compared = [];
    private string search = "";
    private string state = AllStates;
    private string origin = AllOrigins;

    private ClusterSnapshot? Snapshot { get; set; }

    private IReadOnlyList<JobRow> Rows { get; set; } = [];

    /// <summary>The filters live in the URL, so a filtered list can be bookmarked, shared and reloaded.</summary>
    private string Search
    {
        get => search;
        set
        {
            search = value ?? "";
            SyncUrl();
        }
    }

    private string State
    {
        get => state;
        set
        {
            state = value ?? AllStates;
            SyncUrl();
        }
    }

    private string Origin
    {
        get => origin;
        set
        {
            origin = value ?? AllOrigins;
            SyncUrl();
        }
    }

    private string? CompareHref => compared.Count == 2 ? $"jobs/compare?a={Uri.EscapeDataString(compared[0])}&b={Uri.EscapeDataString(compared[1])}" : null;

    private void ToggleCompare(string jobId)
    {
        if (!compared.Remove(jobId))
        {
            compared.Add(jobId);
            if (compared.Count > 2)
            {
                compared.RemoveAt(0);
            }
        }
    }

    private int SweepCandidates => Rows.Count(r => r.IsSweepCandidate);

    public void Dispose() => Monitor.Changed -= OnMonitorChanged;

    protected override void OnInitialized()
    {
        Monitor.Changed += OnMonitorChanged;
        Update();
    }

    protected override void OnParametersSet()
    {
        state = Enum.TryParse<JobState>(StateQuery, ignoreCase: true, out var parsed) ? parsed.ToString() : AllStates;
        search = SearchQuery ?? "";
        origin = OriginQuery is PeopleOrigin or SweepsOrigin ? OriginQuery : AllOrigins;
    }

    private bool Filter(JobRow row) =>
        (state == AllStates || row.State.ToString() == state)
        && (origin == AllOrigins || (origin == SweepsOrigin) == row.IsSweepCandidate)
        && row.Matches(search.Trim());

    private void SyncUrl() => Navigation.NavigateTo(
        Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["state"] = state == AllStates ? null : state.ToLowerInvariant(),
            ["q"] = search.Trim().Length == 0 ? null : search.Trim(),
            ["origin"] = origin == AllOrigins ? null : origin,
        }),
        replace: true);

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
