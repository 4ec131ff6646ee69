using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Dashboard.Sweeps;
using FusionCluster.Grains.Abstractions.Sweeps;
using Microsoft.AspNetCore.Components;

namespace FusionCluster.Dashboard.Components.Shared;

/// <summary>
/// The sweep page's run comparison: two run pickers and, on Compare, both runs read from the cluster and
/// shown by <see cref="RunComparisonTable"/>. It reads once per Compare (finished runs do not change; a
/// running one is compared as it stands).
/// </summary>
public sealed partial class RunComparer
{
    private string? knownSweep;
    private int first;
    private int second;
    private bool loading;
    private string? error;
    private RunComparison? comparison;

    [Parameter, EditorRequired]
    public string SweepId { get; set; } = "";

    /// <summary>The sweep's runs, newest first (as the status lists them).</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<SweepRunSummary> Runs { get; set; } = [];

    [Parameter]
    public CancellationToken CancellationToken { get; set; }

    [Inject]
    private IFusionSweeps Cluster { get; set; } = default!;

    [Inject]
    private SecretRedactor Redactor { get; set; } = default!;

    protected override void OnParametersSet()
    {
        // New sweep: start from the newest run against the one before it; refreshes keep the reader's choice.
        if (knownSweep != SweepId && Runs.Count >= 2)
        {
            (knownSweep, second, first) = (SweepId, Runs[0].Number, Runs[1].Number);
            (comparison, error) = (null, null);
        }
    }

    private async Task CompareAsync()
    {
        (loading, error) = (true, null);
        try
        {
            var a = await Cluster.GetRunAsync(SweepId, first, CancellationToken);
            var b = await Cluster.GetRunAsync(SweepId, second, CancellationToken);
            comparison = a is null || b is null ? null : new RunComparison(a, b);
            error = a is null ? $"The sweep has no run #{first} (any more)." : b is null ? $"The sweep has no run #{second} (any more)." : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            (comparison, error) = (null, $"Cannot load the runs: {Redactor.Redact(e.Message)}");
        }
        finally
        {
            loading = false;
        }
    }
}
