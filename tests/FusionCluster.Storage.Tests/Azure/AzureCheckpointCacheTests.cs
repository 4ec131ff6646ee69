using FusionCluster.Core.Execution;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Storage.Azure;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Azure;

/// <summary>A long-lived silo's checkpoint cache over blobs that are replaced in place (a model retrained under the same name).</summary>
public sealed class AzureCheckpointCacheTests(AzuriteFixture azurite)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_replaced_blob_is_reopened_once_its_change_check_is_due()
    {
        var container = await azurite.NewContainerAsync("cache-reopen");
        await Blobs.UploadAsync(container, "m/model.safetensors", HandMadeSafetensors.OneTensor("w", 1, 2, 3, 4));
        var store = await azurite.StoreAsync(new AzureBlobStoreOptions { ChangeCheckInterval = TimeSpan.Zero });
        using var cache = new CheckpointCache(new ArtifactStores([store]));
        var location = $"az://{container.Name}/m";
        var first = await cache.GetAsync(location, Token);
        var firstValues = await ReadAsync(first);
        Assert.Equal(new[] { 1f, 2, 3, 4 }, firstValues);
        // Asked again at once (interval zero) and unchanged: the same checkpoint, not a reopened one.
        Assert.Same(first, await cache.GetAsync(location, Token));

        await Blobs.UploadAsync(container, "m/model.safetensors", HandMadeSafetensors.OneTensor("w", 5, 6, 7, 8));
        var second = await cache.GetAsync(location, Token);

        Assert.NotSame(first, second);
        var secondValues = await ReadAsync(second);
        Assert.Equal(new[] { 5f, 6, 7, 8 }, secondValues);
    }

    [Fact]
    public async Task A_unit_gets_the_versions_its_job_planned_with_or_fails_naming_the_model()
    {
        var container = await azurite.NewContainerAsync("cache-pinned");
        await Blobs.UploadAsync(container, "m/model.safetensors", HandMadeSafetensors.OneTensor("w", 1, 2, 3, 4));
        // The default check interval: within it, only the planned versions can reveal the replacement.
        var store = await azurite.StoreAsync();
        using var cache = new CheckpointCache(new ArtifactStores([store]));
        var location = $"az://{container.Name}/m";
        var old = (await cache.GetAsync(location, Token)).WeightFileVersions.ToList();

        await Blobs.UploadAsync(container, "m/model.safetensors", HandMadeSafetensors.OneTensor("w", 5, 6, 7, 8));
        using (var planner = await store.OpenCheckpointAsync(location, Token))
        {
            var planned = planner.WeightFileVersions.ToList();
            Assert.NotEqual(old, planned);
            var values = await ReadAsync(await cache.GetAsync(location, planned, Token));
            Assert.Equal(new[] { 5f, 6, 7, 8 }, values);
        }

        var error = await Assert.ThrowsAsync<CheckpointException>(() => cache.GetAsync(location, old, Token));
        Assert.StartsWith($"{location}: changed since the job planned it", error.Message, StringComparison.Ordinal);
    }

    private static async Task<float[]> ReadAsync(ICheckpoint checkpoint)
    {
        using var tensor = await checkpoint.OpenTensorAsync("w", Token);
        var values = new float[tensor.ElementCount];
        tensor.Read(0, values);
        return values;
    }
}
