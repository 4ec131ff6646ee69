using System.Globalization;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Grains.Abstractions.Sweeps;
using Microsoft.AspNetCore.Components;

namespace FusionCluster.Dashboard.Components.Pages;

/// <summary>Every sweep of the sweep catalog, newest first, with its schedule, last run and best point so far.</summary>
public sealed partial class Sweeps : IDisposable
{
    private static readonly int[] PageSizes = [25, 50, 100];

    private readonly CancellationTokenSource lifetime = new();
    private bool loaded;
    private string? loadError;

    [Inject]
    private IFusionSweeps Cluster { get; set; } = default!;

    [Inject]
    private SecretRedactor Redactor { get; set; } = default!;

    private IReadOnlyList<SweepSummary> Rows { get; set; } = [];

    public void Dispose()
    {
        lifetime.Cancel();
        lifetime.Dispose();
    }

    internal static string StateText(SweepSummary sweep) =>
        sweep.ActiveRun > 0 ? $"running (run {sweep.ActiveRun})" + (sweep.Paused ? ", paused" : "")
        : sweep.Paused ? "paused"
        : "idle";

    internal static string Best(SweepSummary sweep) =>
        sweep.BestObjective is not { } best ? "-"
        : string.Create(CultureInfo.InvariantCulture, $"{sweep.ObjectiveMetric} {best:0.####} ({sweep.BestLabel})");

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        (loaded, loadError) = (false, null);
        try
        {
            var sweeps = await Cluster.ListSweepsAsync(lifetime.Token);
            Rows = sweeps.OrderByDescending(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is not OperationCanceledException || !lifetime.IsCancellationRequested)
        {
            loadError = Redactor.Redact(e.Message);
        }

        loaded = true;
    }
}
