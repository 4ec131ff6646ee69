using FusionCluster.Core.Storage;
using FusionCluster.Dashboard.Artifacts;
using FusionCluster.Dashboard.Benchmarks;
using FusionCluster.Dashboard.Hosting;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Storage.Local;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Tests.Benchmarks;

/// <summary>Benchmark results published into real folders, listed and read back through the store the dashboard reads merges with.</summary>
public sealed class BenchmarkResultCatalogTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("fusion-benchmark-results-");

    private static CancellationToken Token => Xunit.TestContext.Current.CancellationToken;

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public async Task Published_results_are_listed_by_name_and_a_bad_one_is_an_entry_naming_its_file()
    {
        await BenchmarkSamples.PublishAsync(root.FullName, "seed-2", BenchmarkSamples.Document().ToJsonString());
        await BenchmarkSamples.PublishAsync(root.FullName, "seed-1", BenchmarkSamples.Document().ToJsonString(), plot: [0x89, 0x50, 0x4e, 0x47]);
        await BenchmarkSamples.PublishAsync(root.FullName, "broken", "[1, 2]");
        Directory.CreateDirectory(Path.Combine(root.FullName, "unpublished"));

        var entries = await Catalog(root.FullName).ListAsync(Token);

        Assert.Equal(["broken", "seed-1", "seed-2"], entries.Select(e => e.Name));
        Assert.Equal([false, true, false], entries.Select(e => e.HasPlot));
        Assert.Equal($"{Path.Combine(root.FullName, "broken")}/multitask.json is not a JSON object", entries[0].Error);
        Assert.Equal(6, entries[1].View!.Rows.Count);
    }

    [Fact]
    public async Task A_result_reads_back_and_its_plot_opens_and_a_climbing_name_is_refused()
    {
        byte[] plot = [0x89, 0x50, 0x4e, 0x47, 7];
        await BenchmarkSamples.PublishAsync(root.FullName, "run", BenchmarkSamples.Document().ToJsonString(), plot);
        var catalog = Catalog(root.FullName);

        var (view, hasPlot) = await catalog.ReadAsync("run", Token);
        await using var stream = await catalog.OpenPlotAsync("run", Token);
        using var copy = new MemoryStream();
        await stream!.CopyToAsync(copy, Token);

        Assert.True(hasPlot);
        Assert.Equal(BenchmarkSamples.Tasks, view!.Tasks);
        Assert.Equal(plot, copy.ToArray());
        Assert.Equal((null, false), await catalog.ReadAsync("absent", Token));
        var error = await Assert.ThrowsAsync<ArtifactException>(() => catalog.ReadAsync("..", Token));
        Assert.Contains("not a benchmark result's name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_location_nothing_is_configured_and_reading_says_which_setting()
    {
        var catalog = Catalog("");

        var error = await Assert.ThrowsAsync<ArtifactException>(() => catalog.ReadAsync("run", Token));

        Assert.False(catalog.Configured);
        Assert.Contains("Fusion:Dashboard:BenchmarkResults", error.Message, StringComparison.Ordinal);
    }

    private static BenchmarkResultCatalog Catalog(string results) =>
        new(new ArtifactStores([new LocalFolderStore()]), new SecretRedactor([]), Options.Create(new DashboardOptions { BenchmarkResults = results }));
}
