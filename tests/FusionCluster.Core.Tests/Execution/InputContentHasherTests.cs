using FusionCluster.Core.Execution;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Tests.Execution;

public sealed class InputContentHasherTests : IDisposable
{
    private static readonly SyntheticModelShape Shape = new(Hidden: 32, Intermediate: 64, Layers: 2, Vocab: 100, Heads: 2);

    // Blocks far smaller than the files, so that every file takes many reads with several in flight.
    private static readonly ContentHashOptions SmallBlocks = new() { BlockBytes = 4096, BlocksInFlight = 3, ParallelFiles = 2 };

    private readonly TempDirectory temp = new("fusion-hash-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Every_weight_file_and_small_file_hashes_as_sha256sum_does()
    {
        var folder = temp.Combine("sharded");
        SyntheticCheckpoint.Write(folder, Shape, DType.F32, baseSeed: 5, variant: 1, shardBytes: 20_000, cancellationToken: TestContext.Current.CancellationToken);
        using var checkpoint = CheckpointFolder.Open(folder);
        Assert.True(checkpoint.WeightFiles.Count > 2, "expected several shards");
        Assert.Contains(checkpoint.WeightFiles, f => f.Bytes % SmallBlocks.BlockBytes != 0);

        var hashes = await InputContentHasher.HashAsync(
            new Dictionary<string, ICheckpoint> { [folder] = checkpoint },
            new Dictionary<string, IReadOnlyList<string>> { [folder] = checkpoint.WeightFileVersions },
            SmallBlocks,
            Token);

        var hash = hashes[folder];
        Assert.Equal(checkpoint.WeightFiles.Select(f => f.FileName), hash.WeightFiles.Select(f => f.FileName));
        foreach (var file in hash.WeightFiles)
        {
            var path = Path.Combine(folder, file.FileName);
            Assert.Equal(new FileInfo(path).Length, file.Bytes);
            Assert.Equal(await Sha256Sum.OfFileAsync(path, Token), file.Sha256);
        }

        Assert.Equal(["config.json", "tokenizer_config.json", "special_tokens_map.json"], hash.OtherFiles.Select(f => f.FileName));
        foreach (var file in hash.OtherFiles)
        {
            Assert.Equal(await Sha256Sum.OfFileAsync(Path.Combine(folder, file.FileName), Token), file.Sha256);
        }
    }

    [Fact]
    public async Task A_file_rewritten_after_opening_fails_the_hash_naming_it()
    {
        var folder = temp.Combine("rewritten");
        SyntheticCheckpoint.Write(folder, Shape, DType.F32, baseSeed: 5, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        var weights = Path.Combine(folder, CheckpointFolder.SingleFileName);
        using var checkpoint = CheckpointFolder.Open(folder);
        var planned = new Dictionary<string, IReadOnlyList<string>> { [folder] = checkpoint.WeightFileVersions };

        // Same size, same file, other bytes: only the modification time tells (set apart explicitly, in case
        // the file system's clock is coarse).
        var bytes = await File.ReadAllBytesAsync(weights, Token);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(weights, bytes, Token);
        File.SetLastWriteTimeUtc(weights, DateTime.UtcNow.AddMinutes(5));

        var error = await Assert.ThrowsAsync<CheckpointException>(() =>
            InputContentHasher.HashAsync(new Dictionary<string, ICheckpoint> { [folder] = checkpoint }, planned, SmallBlocks, Token));
        Assert.StartsWith(weights + ": changed since the checkpoint was opened", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_reopened_since_the_merge_was_planned_fails_the_hash_naming_the_file()
    {
        var folder = temp.Combine("reopened");
        SyntheticCheckpoint.Write(folder, Shape, DType.F32, baseSeed: 5, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        var weights = Path.Combine(folder, CheckpointFolder.SingleFileName);
        IReadOnlyList<string> planned;
        using (var atPlanning = CheckpointFolder.Open(folder))
        {
            planned = atPlanning.WeightFileVersions;
        }

        SyntheticCheckpoint.Write(folder, Shape, DType.F32, baseSeed: 6, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        File.SetLastWriteTimeUtc(weights, DateTime.UtcNow.AddMinutes(5));
        using var reopened = CheckpointFolder.Open(folder);

        var error = await Assert.ThrowsAsync<CheckpointException>(() => InputContentHasher.HashAsync(
            new Dictionary<string, ICheckpoint> { [folder] = reopened },
            new Dictionary<string, IReadOnlyList<string>> { [folder] = planned },
            SmallBlocks,
            Token));
        Assert.StartsWith(weights + ": changed during the merge", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_stops_the_hash()
    {
        var folder = temp.Combine("cancelled");
        SyntheticCheckpoint.Write(folder, Shape, DType.F32, baseSeed: 5, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        using var checkpoint = CheckpointFolder.Open(folder);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            InputContentHasher.HashAsync(new Dictionary<string, ICheckpoint> { [folder] = checkpoint }, null, SmallBlocks, cancellation.Token));
    }
}
