using FusionCluster.Core.Storage;
using FusionCluster.Dashboard.Artifacts;
using FusionCluster.Dashboard.Security;
using FusionCluster.Storage.Local;

namespace FusionCluster.Dashboard.Tests.Artifacts;

/// <summary>The browser shows and serves what the output's manifest lists, through the silos' stores, and nothing else there.</summary>
public sealed class ArtifactBrowserTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fc-artifacts-").FullName;
    private readonly ArtifactBrowser browser = new(new ArtifactStores([new LocalFolderStore()]), new SecretRedactor([]));

    private static CancellationToken Token => Xunit.TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Local_output_lists_the_manifests_files_not_others_links_staging_or_dot_files()
    {
        await PublishAsync(("config.json", "{}"), ("model.safetensors", new string('w', 100)));
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "a user's file", Token);
        await File.WriteAllTextAsync(Path.Combine(folder, ".hidden"), "x", Token);
        File.CreateSymbolicLink(Path.Combine(folder, "passwd"), "/etc/passwd");
        Directory.CreateDirectory(Path.Combine(folder, ".fusion-staging", "job-1"));

        var files = await browser.ListAsync(folder, Token);

        Assert.Equal(["config.json", MergeManifest.FileName, "model.safetensors"], files.Select(f => f.Name));
        Assert.Equal(100, files[2].Bytes);
    }

    [Fact]
    public async Task Folder_without_a_manifest_lists_nothing()
    {
        await File.WriteAllTextAsync(Path.Combine(folder, "config.json"), "{}", Token);

        Assert.Empty(await browser.ListAsync(folder, Token));
        Assert.Empty(await browser.ListAsync(Path.Combine(folder, "not-there"), Token));
        Assert.Null(await browser.OpenReadAsync(folder, "config.json", Token));
    }

    [Fact]
    public async Task Open_read_reads_published_files_and_refuses_everything_else()
    {
        await PublishAsync(("config.json", "{\"a\":1}"));
        await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(folder)!, "outside.txt"), "secret", Token);
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "a user's file", Token);
        File.CreateSymbolicLink(Path.Combine(folder, "passwd"), "/etc/passwd");

        await using (var stream = await browser.OpenReadAsync(folder, "config.json", Token))
        {
            Assert.NotNull(stream);
            Assert.Equal("{\"a\":1}", await new StreamReader(stream).ReadToEndAsync(Token));
        }

        Assert.Null(await browser.OpenReadAsync(folder, "../outside.txt", Token));
        Assert.Null(await browser.OpenReadAsync(folder, "/etc/passwd", Token));
        Assert.Null(await browser.OpenReadAsync(folder, "missing.json", Token));
        Assert.Null(await browser.OpenReadAsync(folder, "notes.txt", Token));
        Assert.Null(await browser.OpenReadAsync(folder, "passwd", Token));
    }

    [Fact]
    public async Task Blob_output_without_blob_storage_says_it_is_not_configured()
    {
        var error = await Assert.ThrowsAsync<ArtifactException>(() => browser.ListAsync("az://results/merged", Token));

        Assert.Contains("az:// needs Fusion:Storage:Azure settings", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_outside_the_data_roots_is_refused()
    {
        await PublishAsync(("config.json", "{}"));
        var restricted = new ArtifactBrowser(new ArtifactStores([new LocalFolderStore([Path.Combine(folder, "data")])]), new SecretRedactor([]));

        var error = await Assert.ThrowsAsync<ArtifactException>(() => restricted.ListAsync(folder, Token));

        Assert.Contains("outside the configured data roots", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Writes the files and a manifest listing them, as a published merge has.</summary>
    private async Task PublishAsync(params (string Name, string Content)[] files)
    {
        foreach (var (name, content) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, name), content, Token);
        }

        await File.WriteAllBytesAsync(Path.Combine(folder, MergeManifest.FileName), MergeManifest.Build(files.Select(f => (f.Name, (long)f.Content.Length))), Token);
    }
}
