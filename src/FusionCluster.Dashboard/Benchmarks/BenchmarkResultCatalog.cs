using FusionCluster.Core.Storage;
using FusionCluster.Dashboard.Artifacts;
using FusionCluster.Dashboard.Hosting;
using FusionCluster.Dashboard.Security;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Benchmarks;

/// <summary>The benchmark results (<c>fusion benchmark multitask --publish</c>) published one level below Fusion:Dashboard:BenchmarkResults.</summary>
public sealed class BenchmarkResultCatalog(ArtifactStores stores, SecretRedactor redactor, IOptions<DashboardOptions> options)
    : PublishedResultCatalog<BenchmarkResultView>(stores, redactor)
{
    public override string Root => options.Value.BenchmarkResults.TrimEnd('/');

    protected override string Setting => "Fusion:Dashboard:BenchmarkResults";

    protected override string What => "benchmark result";

    protected override string DocumentFileName => BenchmarkResultLayout.DocumentFileName;

    protected override string PlotFileName => BenchmarkResultLayout.PlotFileName;

    protected override Task<BenchmarkResultView> ParseAsync(Stream stream, string where, string fallbackName, DateTimeOffset? publishedAt, CancellationToken cancellationToken) =>
        BenchmarkResultReader.ReadAsync(stream, where, fallbackName, cancellationToken);

    // multitask.json carries no time (the same seed writes the same file): results are listed by name.
    protected override DateTimeOffset? CreatedAt(BenchmarkResultView view) => null;
}
