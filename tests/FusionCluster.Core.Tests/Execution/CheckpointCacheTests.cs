using FusionCluster.Core.Execution;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Synthesis;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Tests.Execution;

public sealed class CheckpointCacheTests : IDisposable
{
    private static readonly SyntheticModelShape Shape = new(Hidden: 8, Intermediate: 16, Layers: 1, Vocab: 32, Heads: 2);

    private readonly string folder = Directory.CreateTempSubdirectory("fusion-cache-").FullName;

    [Fact]
    public async Task A_checkpoint_rewritten_after_opening_is_opened_again()
    {
        var cancellation = TestContext.Current.CancellationToken;
        SyntheticCheckpoint.Write(folder, Shape, DType.F32, baseSeed: 1, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        using var cache = new CheckpointCache(new ArtifactStores([new FolderStore()]));
        var first = await cache.GetAsync(folder, cancellation);
        var before = await ReadAsync(first, cancellation);
        Assert.Same(first, await cache.GetAsync(folder, cancellation));

        File.SetLastWriteTimeUtc(Path.Combine(folder, CheckpointFolder.SingleFileName), DateTime.UtcNow.AddMinutes(-5));
        SyntheticCheckpoint.Write(folder, Shape, DType.F32, baseSeed: 2, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        var second = await cache.GetAsync(folder, cancellation);

        Assert.NotSame(first, second);
        var after = await ReadAsync(second, cancellation);
        Assert.NotEqual(before, after);
        using var fresh = CheckpointFolder.Open(folder);
        Assert.Equal(await ReadAsync(fresh, cancellation), after);
    }

    [Fact]
    public async Task A_unit_pinned_to_versions_no_longer_stored_fails_naming_the_checkpoint()
    {
        var cancellation = TestContext.Current.CancellationToken;
        SyntheticCheckpoint.Write(folder, Shape, DType.F32, baseSeed: 1, variant: 0, cancellationToken: TestContext.Current.CancellationToken);
        using var cache = new CheckpointCache(new ArtifactStores([new FolderStore()]));
        var planned = (await cache.GetAsync(folder, cancellation)).WeightFileVersions.ToList();
        Assert.Same(await cache.GetAsync(folder, cancellation), await cache.GetAsync(folder, planned, cancellation));

        File.SetLastWriteTimeUtc(Path.Combine(folder, CheckpointFolder.SingleFileName), DateTime.UtcNow.AddMinutes(-5));
        SyntheticCheckpoint.Write(folder, Shape, DType.F32, baseSeed: 2, variant: 0, cancellationToken: TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<CheckpointException>(() => cache.GetAsync(folder, planned, cancellation));
        Assert.StartsWith($"{folder}: changed since the job planned it", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static async Task<float[]> ReadAsync(ICheckpoint checkpoint, CancellationToken cancellation)
    {
        using var tensor = await checkpoint.OpenTensorAsync("model.embed_tokens.weight", cancellation);
        var values = new float[tensor.ElementCount];
        tensor.Read(0, values);
        return values;
    }
}
