using System.Globalization;
using FusionCluster.Dashboard.Benchmarks;
using FusionCluster.Dashboard.Charts;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FusionCluster.Dashboard.Components.Pages;

/// <summary>
/// One published benchmark: every method's accuracy per task, sortable by any column, and a bar chart of the
/// averages with the references (pre-trained, individual, multi-task, ensemble) drawn as outlines to judge merges by.
/// </summary>
public sealed partial class BenchmarkDetail
{
    [Parameter]
    public string Name { get; set; } = "";

    [Inject]
    private BenchmarkResultCatalog Catalog { get; set; } = default!;

    private BenchmarkResultView? View { get; set; }

    private bool HasPlot { get; set; }

    private IReadOnlyList<ChartBar> Bars { get; set; } = [];

    private List<BreadcrumbItem> Breadcrumbs => [new("Benchmarks", "benchmarks"), new(Name, null, disabled: true)];

    /// <summary>One bar per row with an average, in percent, best first; methods that were not available have none.</summary>
    internal static IReadOnlyList<ChartBar> AverageBars(BenchmarkResultView view) =>
        view.Rows.Where(r => r.Average is not null)
            .OrderByDescending(r => r.Average)
            .Select(r => new ChartBar(r.Name, 100 * r.Average!.Value, r.IsReference))
            .ToList();

    private static string Seconds(double? seconds) => seconds is { } s ? s.ToString("0.#", CultureInfo.InvariantCulture) : "-";

    protected override Task OnParametersSetAsync() => ReadAsync(async cancellationToken =>
    {
        (View, HasPlot) = await Catalog.ReadAsync(Name, cancellationToken);
        Bars = View is null ? [] : AverageBars(View);
    });
}
