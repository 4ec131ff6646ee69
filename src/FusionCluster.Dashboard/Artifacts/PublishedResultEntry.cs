namespace FusionCluster.Dashboard.Artifacts;

/// <summary>One result of a <see cref="PublishedResultCatalog{TView}"/>'s list: its view, or why its document could not be shown (a message naming the file).</summary>
public sealed record PublishedResultEntry<TView>(string Name, TView? View, string? Error, bool HasPlot)
    where TView : class;
