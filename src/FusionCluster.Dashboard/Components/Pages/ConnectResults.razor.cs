using System.Globalization;
using FusionCluster.Dashboard.Artifacts;
using FusionCluster.Dashboard.Connectivity;
using Microsoft.AspNetCore.Components;

namespace FusionCluster.Dashboard.Components.Pages;

/// <summary>
/// The published connect results: per result its models, its paths (naive, aligned, REPAIR, zipit) and their
/// barriers, newest first. A result whose connect.json is bad is a warning naming the file; the others still show.
/// </summary>
public sealed partial class ConnectResults
{
    [Inject]
    private ConnectResultCatalog Catalog { get; set; } = default!;

    private IReadOnlyList<PublishedResultEntry<ConnectResultView>> Entries { get; set; } = [];

    private string MetricHeader => Entries.Where(e => e.View is not null).Select(e => e.View!.MetricName).Distinct().Count() == 1
        ? Capitalised(Entries.First(e => e.View is not null).View!.MetricName)
        : "Accuracy / perplexity";

    /// <summary>A path as the list names it: its label, with the curve and REPAIR when they are not the default.</summary>
    internal static string PathName(ConnectPathView path) =>
        path.Label + (path.Curve == "linear" ? "" : $" ({path.Curve})") + (path.Repair && !path.Label.Contains("REPAIR", StringComparison.OrdinalIgnoreCase) ? " + REPAIR" : "");

    internal static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    internal static string ShortName(string model) => Path.GetFileName(model.TrimEnd('/')) is { Length: > 0 } name ? name : model;

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    protected override Task OnInitializedAsync() => Catalog.Configured ? LoadAsync() : Task.CompletedTask;

    private Task LoadAsync() => ReadAsync(async cancellationToken => Entries = await Catalog.ListAsync(cancellationToken));
}
