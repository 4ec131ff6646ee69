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

    protected override Task<ConnectResultView> ParseAsync(Stream stream, string where, string fallbackName, CancellationToken cancellationToken) =>
        ConnectResultReader.ReadAsync(stream, where, fallbackName, cancellationToken);

    protected override DateTimeOffset? CreatedAt(ConnectResultView view) => view.CreatedAt;
}
