namespace FusionCluster.Storage.Azure;

/// <summary>Transfer sizes and parallelism of the Azure blob store.</summary>
public sealed record AzureBlobStoreOptions
{
    /// <summary>Bytes per ranged GET when a tensor is fetched.</summary>
    public int ReadRangeBytes { get; init; } = 8 << 20;

    /// <summary>Ranged GETs in flight per tensor.</summary>
    public int ReadConcurrency { get; init; } = 8;

    /// <summary>
    /// Largest staged block: an output tensor is staged as ceil(bytes / BlockBytes) blocks. It fixes a
    /// shard's block list, so every silo writing one job must use the same value.
    /// </summary>
    public int BlockBytes { get; init; } = 32 << 20;

    /// <summary>Blocks staged in parallel per tensor.</summary>
    public int StageConcurrency { get; init; } = 4;

    /// <summary>Requests in flight when opening a checkpoint's shard headers or committing a merge's shards.</summary>
    public int MetadataConcurrency { get; init; } = 8;

    /// <summary>The largest auxiliary file (tokenizer, config) read into memory.</summary>
    public long MaxAuxiliaryFileBytes { get; init; } = 512L << 20;

    /// <summary>
    /// How long a checkpoint's "unchanged" answer stands before its blobs are asked again (one HEAD per
    /// weight blob): long-lived silos notice a replaced model without a request per tensor.
    /// </summary>
    public TimeSpan ChangeCheckInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks the values; returns this.</summary>
    public AzureBlobStoreOptions Validate()
    {
        // Every element size (1, 2, 4, 8 bytes) divides a block, so no element straddles two blocks.
        if (BlockBytes < 4096 || BlockBytes % 8 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BlockBytes), BlockBytes, "BlockBytes must be a multiple of 8 and at least 4096");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(ReadRangeBytes, 4096, nameof(ReadRangeBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadConcurrency, 1, nameof(ReadConcurrency));
        ArgumentOutOfRangeException.ThrowIfLessThan(StageConcurrency, 1, nameof(StageConcurrency));
        ArgumentOutOfRangeException.ThrowIfLessThan(MetadataConcurrency, 1, nameof(MetadataConcurrency));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAuxiliaryFileBytes, 1, nameof(MaxAuxiliaryFileBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(ChangeCheckInterval, TimeSpan.Zero, nameof(ChangeCheckInterval));
        return this;
    }
}
