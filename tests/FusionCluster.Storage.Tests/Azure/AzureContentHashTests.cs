using FusionCluster.Core.Execution;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;
using FusionCluster.Storage.Azure;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Azure;

/// <summary>Content hashes (--input-hash full) of checkpoints read from a real Azurite.</summary>
public sealed class AzureContentHashTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly SyntheticModelShape Small = new(Hidden: 64, Intermediate: 160, Layers: 2, Vocab: 300, Heads: 4);

    // Blocks of several ranged GETs each, and files of several blocks, so that both levels of parallel reads run.
    private static readonly AzureBlobStoreOptions SmallRanges = new() { ReadRangeBytes = 4096, ReadConcurrency = 3 };

    private static readonly ContentHashOptions SmallBlocks = new() { BlockBytes = 16 * 1024, BlocksInFlight = 3, ParallelFiles = 2 };

    private readonly TempFolder temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task The_full_hash_of_an_uploaded_checkpoint_is_sha256sum_of_each_local_file()
    {
        var folder = temp.Folder("sharded");
        SyntheticCheckpoint.Write(folder, Small, DType.BF16, baseSeed: 7, variant: 2, shardBytes: 60_000, cancellationToken: TestContext.Current.CancellationToken);
        var container = await azurite.NewContainerAsync("hash");
        await Blobs.UploadFolderAsync(container, "llama/ft", folder);
        var store = await azurite.StoreAsync(SmallRanges);
        var location = $"az://{container.Name}/llama/ft";
        using var checkpoint = await store.OpenCheckpointAsync(location, Token);
        Assert.True(checkpoint.WeightFiles.Count > 2, "expected several shards");

        var hashes = await InputContentHasher.HashAsync(
            new Dictionary<string, ICheckpoint> { [location] = checkpoint },
            new Dictionary<string, IReadOnlyList<string>> { [location] = checkpoint.WeightFileVersions },
            SmallBlocks,
            Token);

        var hash = hashes[location];
        Assert.Equal(checkpoint.WeightFiles.Select(f => f.FileName), hash.WeightFiles.Select(f => f.FileName));
        foreach (var file in hash.WeightFiles.Concat(hash.OtherFiles))
        {
            var local = Path.Combine(folder, file.FileName);
            Assert.Equal(await Sha256Sum.OfFileAsync(local, Token), file.Sha256);
            Assert.Equal(new FileInfo(local).Length, file.Bytes);
        }

        Assert.Contains(hash.OtherFiles, f => f.FileName == CheckpointFolder.ConfigFileName);
    }

    [Fact]
    public async Task A_blob_replaced_after_the_checkpoint_was_opened_fails_the_hash_naming_it()
    {
        var folder = temp.Folder("single");
        SyntheticCheckpoint.Write(folder, Small, DType.BF16, baseSeed: 7, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        var container = await azurite.NewContainerAsync("replaced");
        await Blobs.UploadFolderAsync(container, "m", folder);
        var store = await azurite.StoreAsync(SmallRanges);
        var location = $"az://{container.Name}/m";
        using var checkpoint = await store.OpenCheckpointAsync(location, Token);

        // The same bytes uploaded again are a new blob version: what the merge read can no longer be vouched for.
        await Blobs.UploadAsync(container, $"m/{CheckpointFolder.SingleFileName}", await File.ReadAllBytesAsync(Path.Combine(folder, CheckpointFolder.SingleFileName), Token));

        var error = await Assert.ThrowsAsync<SafetensorsFormatException>(() => InputContentHasher.HashAsync(
            new Dictionary<string, ICheckpoint> { [location] = checkpoint },
            new Dictionary<string, IReadOnlyList<string>> { [location] = checkpoint.WeightFileVersions },
            SmallBlocks,
            Token));
        Assert.Equal($"{location}/{CheckpointFolder.SingleFileName}", error.FilePath);
        Assert.Contains("replaced or deleted after the checkpoint was opened", error.Message, StringComparison.Ordinal);
    }
}
