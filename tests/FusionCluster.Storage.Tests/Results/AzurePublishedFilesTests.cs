using FusionCluster.Core.Storage;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Results;

/// <summary>The same contract as <see cref="LocalPublishedFilesTests"/> under az:// prefixes of a real Azurite.</summary>
public sealed class AzurePublishedFilesTests(AzuriteFixture azurite)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Published_results_are_listed_and_read_back()
    {
        var container = await azurite.NewContainerAsync("connect-list");
        await PublishedFilesContract.Published_results_are_listed_and_read_back(await azurite.StoreAsync(), $"az://{container.Name}/connect");
    }

    [Fact]
    public async Task A_published_result_is_replaced_only_with_overwrite()
    {
        var container = await azurite.NewContainerAsync("connect-overwrite");
        await PublishedFilesContract.A_published_result_is_replaced_only_with_overwrite(await azurite.StoreAsync(), $"az://{container.Name}/connect");
    }

    [Fact]
    public async Task A_prefix_holding_a_users_blob_is_never_written_into_and_prefixes_without_a_manifest_are_not_listed()
    {
        var container = await azurite.NewContainerAsync("connect-foreign");
        await Blobs.UploadAsync(container, "connect/mine/notes.txt", "a user's blob"u8.ToArray());
        var store = await azurite.StoreAsync();

        var error = await Assert.ThrowsAsync<StorageException>(() => store.PublishFilesAsync($"az://{container.Name}/connect/mine", [new PublishedContent("connect.json", "{}"u8.ToArray())], overwrite: true, Token));

        Assert.Contains("no published result", error.Message, StringComparison.Ordinal);
        Assert.Equal(["connect/mine/notes.txt"], await Blobs.ListAsync(container, "connect/"));
        Assert.Empty(await store.ListPublishedFoldersAsync($"az://{container.Name}/connect", Token));
    }
}
