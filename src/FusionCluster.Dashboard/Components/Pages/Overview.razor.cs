using System.Globalization;
using FusionCluster.Dashboard.Cluster;
using FusionCluster.Dashboard.Hosting;
using FusionCluster.Dashboard.Services;
using FusionCluster.Grains.Abstractions;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Components.Pages;

/// <summary>Silos, jobs by state and the cluster's throughput, redrawn after every poll of the shared monitor.</summary>
public sealed partial class Overview : IDisposable
{
    private Dictionary<JobState, int> counts = [];

    [Inject]
    private IClusterMonitor Monitor { get; set; } = default!;

    [Inject]
    private IOptions<DashboardOptions> Options { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    private ClusterSnapshot? Snapshot { get; set; }

    private IReadOnlyList<SiloRow> Rows { get; set; } = [];

    private IReadOnlyList<MembershipEvent> Timeline { get; set; } = [];

    private static IReadOnlyList<TimeSpan> ResourceWindows { get; } = [TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromHours(24)];

    private TimeSpan ResourceWindow { get; set; } = TimeSpan.FromHours(1);

    private ResourceCharts Resources { get; set; } = ResourceCharts.Build([], default, default, default);

    private int Departed => Rows.Count(r => r.IsDeparted);

    private TimeSpan Retention => Options.Value.DepartedSiloRetention;

    private IReadOnlyList<ThroughputSample> Throughput { get; set; } = [];

    private IReadOnlyList<(string Label, double BytesPerSecond)> ChartPoints { get; set; } = [];

    private IReadOnlyList<ClusterSample> History { get; set; } = [];

    private IReadOnlyList<(string Label, double BytesPerSecond)> HistoryPoints { get; set; } = [];

    private TimeSpan HistorySpan => History.Count > 1 ? History[^1].At - History[0].At : TimeSpan.Zero;

    private bool HasData => Snapshot is { } s && (s.Silos.Count > 0 || s.Jobs.Count > 0);

    private double RefreshSeconds => Options.Value.ClusterRefreshInterval.TotalSeconds;

    public void Dispose() => Monitor.Changed -= OnMonitorChanged;

    protected override void OnInitialized()
    {
        Monitor.Changed += OnMonitorChanged;
        Update();
    }

    private int CountOf(JobState state) => counts.GetValueOrDefault(state);

    private void ShowResources(TimeSpan window)
    {
        ResourceWindow = window;
        Update();
    }

    private void OnMonitorChanged() => _ = InvokeAsync(() =>
    {
        Update();
        StateHasChanged();
    });

    private void Update()
    {
        Snapshot = Monitor.Latest;
        Throughput = Monitor.Throughput;
        var now = Time.GetUtcNow();
        Rows = Snapshot is null ? [] : SiloRows.Build(Snapshot.Silos, Snapshot.Membership, now, Retention);
        Timeline = Snapshot is null ? [] : MembershipTimeline.Build(Snapshot.Membership, now, Retention);
        counts = Snapshot?.Jobs.GroupBy(j => j.State).ToDictionary(g => g.Key, g => g.Count()) ?? [];
        Resources = ResourceCharts.Build(Monitor.Resources, now - ResourceWindow, now, now);
        History = Monitor.History;
        HistoryPoints = History.Select(s => (s.At.ToUniversalTime().ToString("ddd HH:mm", CultureInfo.InvariantCulture), s.BytesPerSecond)).ToList();
        ChartPoints = Throughput.Select(s => (s.At.ToUniversalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture), s.BytesPerSecond)).ToList();
    }
}
