using FusionCluster.Core.Storage;
using FusionCluster.Dashboard.Artifacts;
using FusionCluster.Dashboard.Hosting;
using FusionCluster.Dashboard.Security;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Connectivity;

/// <summary>The connect results (<c>fusion connect --publish</c>) published one level below Fusion:Dashboard:ConnectResults.</summary>
public sealed class ConnectResultCatalog(ArtifactStores stores, SecretRedactor redactor, IOptions<DashboardOptions> options)
    : PublishedResultCatalog<ConnectResultView>(stores, redactor)
{
    public override string Root => options.Value.ConnectResults.TrimEnd('/');

    protected override string Setting => "Fusion:Dashboard:ConnectResults";

    protected override string What => "connect result";

    protected override string DocumentFileName => ConnectResultLayout.DocumentFileName;

    protected override string PlotFileName => ConnectResultLayout.PlotFileName;

    // connect.json records no time (the same connect publishes the same bytes): the store's last write of it is when it
    // was published. Results written before that change still carry their created_at, which is kept.
    protected override async Task<ConnectResultView> ParseAsync(Stream stream, string where, string fallbackName, DateTimeOffset? publishedAt, CancellationToken cancellationToken)
    {
        var view = await ConnectResultReader.ReadAsync(stream, where, fallbackName, cancellationToken);
        return view.CreatedAt is null ? view with { CreatedAt = publishedAt } : view;
    }

    protected override DateTimeOffset? CreatedAt(ConnectResultView view) => view.CreatedAt;
}
