using FusionCluster.Core.Storage;

namespace FusionCluster.Dashboard.Connectivity;

/// <summary>A published connect result (connect.json), checked by <see cref="ConnectResultReader"/>.</summary>
/// <param name="Kind"><see cref="ConnectResultLayout.ClassifierKind"/> or <see cref="ConnectResultLayout.LanguageKind"/>.</param>
/// <param name="Data">The dataset (classifiers) or text (language models) the paths were scored on.</param>
/// <param name="CreatedAt">When it was published: the store's last write of its connect.json (older documents' own created_at).</param>
public sealed record ConnectResultView(
    string Name,
    string Kind,
    string ModelA,
    string ModelB,
    string Data,
    DateTimeOffset? CreatedAt,
    IReadOnlyList<ConnectPathView> Paths)
{
    /// <summary>What each point carries besides the loss: accuracy, or perplexity for language models.</summary>
    public string MetricName => Kind == ConnectResultLayout.LanguageKind ? "perplexity" : "accuracy";
}
