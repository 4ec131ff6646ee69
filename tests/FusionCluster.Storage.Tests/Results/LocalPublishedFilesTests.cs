using FusionCluster.Core.Storage;
using FusionCluster.Storage.Local;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Results;

/// <summary>Small result files (fusion connect --publish) published whole into local folders, and the folders that hold them listed.</summary>
public sealed class LocalPublishedFilesTests : IDisposable
{
    private readonly TempFolder temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => temp.Dispose();

    [Fact]
    public Task Published_results_are_listed_and_read_back() =>
        PublishedFilesContract.Published_results_are_listed_and_read_back(new LocalFolderStore(), temp.Folder("results"));

    [Fact]
    public Task A_published_result_is_replaced_only_with_overwrite() =>
        PublishedFilesContract.A_published_result_is_replaced_only_with_overwrite(new LocalFolderStore(), temp.Folder("results"));

    [Fact]
    public Task Names_that_are_not_plain_are_refused() =>
        PublishedFilesContract.Names_that_are_not_plain_are_refused(new LocalFolderStore(), temp.Folder("results"));

    [Fact]
    public async Task A_users_folder_is_never_written_into()
    {
        var mine = temp.Folder("results/mine");
        File.WriteAllText(Path.Combine(mine, "notes.txt"), "a user's file");

        var error = await Assert.ThrowsAsync<StorageException>(() => new LocalFolderStore().PublishFilesAsync(mine, [new PublishedContent("connect.json", "{}"u8.ToArray())], overwrite: true, Token));

        Assert.Contains("holds no published result", error.Message, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(mine).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Folders_without_a_manifest_and_links_are_not_listed_and_a_missing_root_lists_nothing()
    {
        var root = temp.Folder("results");
        var store = new LocalFolderStore();
        await store.PublishFilesAsync(Path.Combine(root, "done"), [new PublishedContent("connect.json", "{}"u8.ToArray())], overwrite: false, Token);
        File.WriteAllText(Path.Combine(temp.Folder("results/half-written"), "connect.json"), "{}");
        Directory.CreateSymbolicLink(Path.Combine(root, "link"), Path.Combine(root, "done"));

        Assert.Equal(["done"], await store.ListPublishedFoldersAsync(root, Token));
        Assert.Empty(await store.ListPublishedFoldersAsync(Path.Combine(root, "nowhere"), Token));
    }

    [Fact]
    public async Task A_root_outside_the_data_roots_is_refused()
    {
        var store = new LocalFolderStore([temp.Folder("allowed")]);

        await Assert.ThrowsAsync<StorageException>(() => store.ListPublishedFoldersAsync(temp.Folder("elsewhere"), Token));
        await Assert.ThrowsAsync<StorageException>(() => store.PublishFilesAsync(Path.Combine(temp.Path, "elsewhere", "r"), [new PublishedContent("connect.json", "{}"u8.ToArray())], overwrite: false, Token));
    }
}
