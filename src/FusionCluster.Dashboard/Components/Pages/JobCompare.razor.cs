using System.Globalization;
using FusionCluster.Dashboard.Charts;
using FusionCluster.Dashboard.Jobs;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Grains.Abstractions;
using Microsoft.AspNetCore.Components;

namespace FusionCluster.Dashboard.Components.Pages;

/// <summary>Two single jobs side by side (/jobs/compare?a=ID&amp;b=ID): facts with their changes, throughput curves, specs with changed lines marked.</summary>
public sealed partial class JobCompare
{
    private JobComparison? comparison;
    private IReadOnlyList<ChartSeriesData> curves = [];
    private string? error;

    [SupplyParameterFromQuery(Name = "a")]
    private string? FirstId { get; set; }

    [SupplyParameterFromQuery(Name = "b")]
    private string? SecondId { get; set; }

    [Inject]
    private IFusionCluster Cluster { get; set; } = default!;

    [Inject]
    private IClusterMonitor Monitor { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private SecretRedactor Redactor { get; set; } = default!;

    private IReadOnlyList<JobSummary> Choices => Monitor.Latest?.Jobs.OrderByDescending(j => j.SubmittedAt).ToList() ?? [];

    protected override async Task OnParametersSetAsync()
    {
        (comparison, curves, error) = (null, [], null);
        if (FirstId is not { Length: > 0 } a || SecondId is not { Length: > 0 } b)
        {
            (FirstId, SecondId) = (NullIfEmpty(FirstId), NullIfEmpty(SecondId));
            return;
        }

        try
        {
            var jobs = await Task.WhenAll(Cluster.GetJobAsync(a, CancellationToken.None), Cluster.GetJobAsync(b, CancellationToken.None));
            if (jobs[0] is null || jobs[1] is null)
            {
                error = $"The cluster has no job '{(jobs[0] is null ? a : b)}'.";
                return;
            }

            var metrics = await Task.WhenAll(Cluster.GetJobMetricsAsync(a, CancellationToken.None), Cluster.GetJobMetricsAsync(b, CancellationToken.None));
            comparison = new JobComparison(jobs[0]!, jobs[1]!);
            curves = [Curve($"first {a}", metrics[0]), Curve($"second {b}", metrics[1])];
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error = Redactor.Redact(ConnectionTrouble.Describe(e, TimeSpan.FromSeconds(10)));
        }
    }

    private static ChartSeriesData Curve(string name, IReadOnlyList<JobMetricSample> samples)
    {
        var throughput = new JobThroughput();
        throughput.Load(samples);
        return new ChartSeriesData(name, [.. throughput.Curve.Select(p => new ChartPoint(p.ElapsedSeconds, p.BytesPerSecond / (1024 * 1024), string.Create(CultureInfo.InvariantCulture, $"{p.ElapsedSeconds:0} s")))]);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private void Choose(string? first, string? second) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?> { ["a"] = first, ["b"] = second }));
}
