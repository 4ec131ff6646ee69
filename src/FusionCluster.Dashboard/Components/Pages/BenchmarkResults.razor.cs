using System.Globalization;
using FusionCluster.Dashboard.Artifacts;
using FusionCluster.Dashboard.Benchmarks;
using Microsoft.AspNetCore.Components;

namespace FusionCluster.Dashboard.Components.Pages;

/// <summary>
/// The published multi-task benchmarks: per result its tasks, how many methods it compares, its best merge and the
/// individual fine-tunes' average. A result whose multitask.json is bad is a warning naming the file; the others still show.
/// </summary>
public sealed partial class BenchmarkResults
{
    /// <summary>The reference row of each task's own fine-tune (FusionBench's "individual").</summary>
    internal const string IndividualRow = "individual";

    [Inject]
    private BenchmarkResultCatalog Catalog { get; set; } = default!;

    private IReadOnlyList<PublishedResultEntry<BenchmarkResultView>> Entries { get; set; } = [];

    /// <summary>The merge (not a reference) with the highest average accuracy, or null when no merge has one.</summary>
    internal static BenchmarkRowView? BestMerge(BenchmarkResultView view) =>
        view.Rows.Where(r => !r.IsReference && r.Average is not null).MaxBy(r => r.Average);

    /// <summary>An accuracy in percent with one decimal, as the benchmark's table prints it; "-" when there is none.</summary>
    internal static string Percent(double? accuracy) =>
        accuracy is { } a ? (100 * a).ToString("F1", CultureInfo.InvariantCulture) : "-";

    protected override Task OnInitializedAsync() => Catalog.Configured ? LoadAsync() : Task.CompletedTask;

    private Task LoadAsync() => ReadAsync(async cancellationToken => Entries = await Catalog.ListAsync(cancellationToken));
}
