using FusionCluster.Core.Storage;
using FusionCluster.Dashboard.Artifacts;
using FusionCluster.Dashboard.Connectivity;
using FusionCluster.Dashboard.Hosting;
using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Storage.Local;
using Microsoft.Extensions.Options;

namespace FusionCluster.Dashboard.Tests.Connectivity;

/// <summary>Connect results published into real folders, listed and read back through the store the dashboard reads merges with.</summary>
public sealed class ConnectResultCatalogTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("fusion-connect-results-");

    private static CancellationToken Token => Xunit.TestContext.Current.CancellationToken;

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public async Task Published_results_are_listed_newest_first_and_a_bad_one_is_an_entry_naming_its_file()
    {
        await ConnectSamples.PublishAsync(root.FullName, "older", ConnectSamples.Document("older", "2026-12-01T08:00:00Z", ConnectSamples.Naive()).ToJsonString());
        await ConnectSamples.PublishAsync(root.FullName, "newer", ConnectSamples.Document("newer", "2026-12-03T08:00:00Z", ConnectSamples.Naive(), ConnectSamples.WeightMatching()).ToJsonString(), plot: [0x89, 0x50, 0x4e, 0x47]);
        await ConnectSamples.PublishAsync(root.FullName, "broken", "[1, 2]");
        Directory.CreateDirectory(Path.Combine(root.FullName, "unpublished"));

        var entries = await Catalog(root.FullName).ListAsync(Token);

        Assert.Equal(["newer", "older", "broken"], entries.Select(e => e.Name));
        Assert.Equal([true, false], entries.Take(2).Select(e => e.HasPlot));
        Assert.Equal(2, entries[0].View!.Paths.Count);
        Assert.Null(entries[2].View);
        Assert.Equal($"{Path.Combine(root.FullName, "broken")}/connect.json is not a JSON object", entries[2].Error);
    }

    [Fact]
    public async Task A_result_without_created_at_is_dated_by_its_connect_json_in_the_store_and_listed_newest_first()
    {
        await ConnectSamples.PublishAsync(root.FullName, "a-older", ConnectSamples.Document("a-older", null, ConnectSamples.Naive()).ToJsonString());
        await ConnectSamples.PublishAsync(root.FullName, "b-newer", ConnectSamples.Document("b-newer", null, ConnectSamples.Naive()).ToJsonString());
        await ConnectSamples.PublishAsync(root.FullName, "c-dated", ConnectSamples.Document("c-dated", "2026-12-02T08:00:00Z", ConnectSamples.Naive()).ToJsonString());
        var older = new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);
        var newer = new DateTime(2026, 12, 3, 8, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(Path.Combine(root.FullName, "a-older", ConnectResultLayout.DocumentFileName), older);
        File.SetLastWriteTimeUtc(Path.Combine(root.FullName, "b-newer", ConnectResultLayout.DocumentFileName), newer);
        var catalog = Catalog(root.FullName);

        var entries = await catalog.ListAsync(Token);
        var (view, _) = await catalog.ReadAsync("b-newer", Token);

        // Names alone would list a-older first; the dated one sits between the two by its own created_at.
        Assert.Equal(["b-newer", "c-dated", "a-older"], entries.Select(e => e.Name));
        Assert.Equal(new DateTimeOffset(newer), view!.CreatedAt);
        Assert.Equal(new DateTimeOffset(older), entries[2].View!.CreatedAt);
    }

    [Fact]
    public async Task A_result_reads_back_as_published_and_its_plot_opens()
    {
        byte[] plot = [0x89, 0x50, 0x4e, 0x47, 1, 2, 3];
        await ConnectSamples.PublishAsync(root.FullName, "mlp", ConnectSamples.Document("mlp", "2026-12-03T08:00:00Z", ConnectSamples.WeightMatching()).ToJsonString(), plot);
        var catalog = Catalog(root.FullName);

        var (view, hasPlot) = await catalog.ReadAsync("mlp", Token);
        await using var stream = await catalog.OpenPlotAsync("mlp", Token);

        Assert.True(hasPlot);
        Assert.Equal([0.2, 0.35, 0.3], view!.Paths[0].Points.Select(p => p.Loss));
        using var copy = new MemoryStream();
        await stream!.CopyToAsync(copy, Token);
        Assert.Equal(plot, copy.ToArray());
        Assert.Equal((null, false), await catalog.ReadAsync("absent", Token));
    }

    [Fact]
    public async Task A_name_that_climbs_out_of_the_root_is_refused()
    {
        var error = await Assert.ThrowsAsync<ArtifactException>(() => Catalog(root.FullName).ReadAsync("..", Token));

        Assert.Contains("not a connect result's name", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArtifactException>(() => Catalog(root.FullName).OpenPlotAsync("a/b", Token));
    }

    [Fact]
    public async Task A_root_outside_the_data_roots_is_a_redacted_error_and_no_root_is_not_configured()
    {
        var stores = new ArtifactStores([new LocalFolderStore([Path.Combine(root.FullName, "allowed")])]);
        var catalog = new ConnectResultCatalog(stores, new SecretRedactor([]), Options.Create(new DashboardOptions { ConnectResults = root.FullName }));

        var error = await Assert.ThrowsAsync<ArtifactException>(() => catalog.ListAsync(Token));

        Assert.Contains("outside the configured data roots", error.Message, StringComparison.Ordinal);
        Assert.False(Catalog("").Configured);
    }

    private static ConnectResultCatalog Catalog(string results) =>
        new(new ArtifactStores([new LocalFolderStore()]), new SecretRedactor([]), Options.Create(new DashboardOptions { ConnectResults = results }));
}
