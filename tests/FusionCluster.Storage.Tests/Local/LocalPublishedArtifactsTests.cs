using FusionCluster.Core.Storage;
using FusionCluster.Storage.Local;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Local;

/// <summary>
/// The files of an output that may be listed and served are exactly those its manifest lists, as they
/// were written: never a symlink, never a file the merge did not write (issue 10, item 1).
/// </summary>
public sealed class LocalPublishedArtifactsTests : IDisposable
{
    private readonly TempFolder temp = new();

    public LocalPublishedArtifactsTests() => TestModels.WriteAll(temp.Path);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Only_the_manifests_files_are_listed_and_served()
    {
        var (store, output, published) = await PublishAsync();
        File.WriteAllText(Path.Combine(output, "notes.txt"), "a user's file");
        File.CreateSymbolicLink(Path.Combine(output, "passwd"), "/etc/passwd");

        var listed = await store.ListPublishedAsync(output, Token);

        Assert.Equal(published.Append(MergeManifest.FileName).Order(StringComparer.Ordinal), listed.Select(f => f.Name));
        Assert.All(listed, f => Assert.Equal(new FileInfo(Path.Combine(output, f.Name)).Length, f.Bytes));
        Assert.Null(await store.OpenPublishedAsync(output, "notes.txt", Token));
        Assert.Null(await store.OpenPublishedAsync(output, "passwd", Token));
        Assert.Null(await store.OpenPublishedAsync(output, "../base/config.json", Token));
        await using var config = await store.OpenPublishedAsync(output, "config.json", Token);
        Assert.NotNull(config);
        Assert.Equal(File.ReadAllBytes(Path.Combine(output, "config.json")), ReadAll(config));
    }

    [Fact]
    public async Task A_published_file_replaced_by_a_link_or_other_content_is_not_served()
    {
        var (store, output, _) = await PublishAsync();
        // The link's target has the very bytes (and size) the manifest records: only the link gives it away.
        var config = Path.Combine(output, "config.json");
        var copy = temp.File("copy-of-config.json");
        File.Move(config, copy);
        File.CreateSymbolicLink(config, copy);
        var report = Path.Combine(output, "fusion-report.json");
        File.WriteAllText(report, "x");

        var listed = (await store.ListPublishedAsync(output, Token)).Select(f => f.Name).ToList();

        Assert.DoesNotContain("config.json", listed);
        Assert.DoesNotContain("fusion-report.json", listed);
        Assert.Null(await store.OpenPublishedAsync(output, "config.json", Token));
        Assert.Null(await store.OpenPublishedAsync(output, "fusion-report.json", Token));
    }

    [Fact]
    public async Task A_folder_without_a_manifest_lists_nothing()
    {
        var store = new LocalFolderStore();
        var home = temp.Folder("home");
        File.WriteAllText(Path.Combine(home, "config.json"), "{}");
        File.CreateSymbolicLink(Path.Combine(home, "passwd"), "/etc/passwd");

        Assert.Empty(await store.ListPublishedAsync(home, Token));
        Assert.Empty(await store.ListPublishedAsync(Path.Combine(home, "missing"), Token));
        Assert.Null(await store.OpenPublishedAsync(home, "config.json", Token));
    }

    [Fact]
    public async Task An_output_outside_the_roots_is_refused()
    {
        var (_, output, _) = await PublishAsync();
        var restricted = new LocalFolderStore([temp.Folder("data")]);

        await Assert.ThrowsAsync<StorageException>(() => restricted.ListPublishedAsync(output, Token));
        await Assert.ThrowsAsync<StorageException>(() => restricted.OpenPublishedAsync(output, "config.json", Token));
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private async Task<(LocalFolderStore Store, string Output, IReadOnlyList<string> Published)> PublishAsync()
    {
        var store = new LocalFolderStore();
        using var harness = new MergeHarness(store);
        var plan = await harness.PlanAsync(TestModels.Spec(temp.Path), temp.Path);
        var output = Path.Combine(temp.Path, "merged");
        await harness.RunJobAsync(plan, output, "job");
        var published = Directory.EnumerateFiles(output).Select(Path.GetFileName).OfType<string>().Where(n => n != MergeManifest.FileName).ToList();
        return (store, output, published);
    }
}
