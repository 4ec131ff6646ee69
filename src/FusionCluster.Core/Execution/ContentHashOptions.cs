namespace FusionCluster.Core.Execution;

/// <summary>
/// How <see cref="InputContentHasher"/> reads. Memory held for weight files is at most
/// <see cref="ParallelFiles"/> × <see cref="BlocksInFlight"/> × <see cref="BlockBytes"/> (by default
/// 96 MiB on 4 or more cores), whatever their size; small files (config, tokenizer) are read whole.
/// </summary>
public sealed record ContentHashOptions
{
    public static readonly ContentHashOptions Default = new();

    /// <summary>Bytes per read (a blob store splits it into its own ranged GETs; by default 8 MiB, so one).</summary>
    public int BlockBytes { get; init; } = 8 << 20;

    /// <summary>
    /// Reads issued ahead per file while earlier blocks are hashed: hides a blob round trip behind
    /// hashing, which is sequential within a file.
    /// </summary>
    public int BlocksInFlight { get; init; } = 3;

    /// <summary>Files hashed at once (each on its own core).</summary>
    public int ParallelFiles { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>Checks the values; returns this.</summary>
    public ContentHashOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockBytes, 4096, nameof(BlockBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(BlocksInFlight, 1, nameof(BlocksInFlight));
        ArgumentOutOfRangeException.ThrowIfLessThan(ParallelFiles, 1, nameof(ParallelFiles));
        return this;
    }
}
