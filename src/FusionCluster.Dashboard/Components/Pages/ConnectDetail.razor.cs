using System.Globalization;
using FusionCluster.Dashboard.Charts;
using FusionCluster.Dashboard.Connectivity;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FusionCluster.Dashboard.Components.Pages;

/// <summary>
/// One connect result: a table of its paths and barriers, and loss and accuracy (or perplexity) against α with
/// one series per path, so naive, aligned, REPAIRed and zipped paths are compared on one chart.
/// </summary>
public sealed partial class ConnectDetail
{
    [Parameter]
    public string Name { get; set; } = "";

    [Inject]
    private ConnectResultCatalog Catalog { get; set; } = default!;

    private ConnectResultView? View { get; set; }

    private bool HasPlot { get; set; }

    private string Capital => View is null ? "" : char.ToUpperInvariant(View.MetricName[0]) + View.MetricName[1..];

    private List<BreadcrumbItem> Breadcrumbs => [new("Connectivity", "connect"), new(Name, null, disabled: true)];

    private IReadOnlyList<ChartSeriesData> LossSeries { get; set; } = [];

    private IReadOnlyList<ChartSeriesData> MetricSeries { get; set; } = [];

    /// <summary>One series per path: its label (with curve and REPAIR), a point per α.</summary>
    internal static IReadOnlyList<ChartSeriesData> Series(ConnectResultView view, Func<ConnectPointView, double> value) =>
        view.Paths.Select(path => new ChartSeriesData(
            ConnectResults.PathName(path),
            path.Points.Select(p => new ChartPoint(p.Alpha, value(p), string.Create(CultureInfo.InvariantCulture, $"α {p.Alpha:0.###}"))).ToList())).ToList();

    protected override Task OnParametersSetAsync() => ReadAsync(async cancellationToken =>
    {
        (View, HasPlot) = await Catalog.ReadAsync(Name, cancellationToken);
        if (View is not null)
        {
            LossSeries = Series(View, p => p.Loss);
            MetricSeries = Series(View, p => p.Metric);
        }
    });
}
