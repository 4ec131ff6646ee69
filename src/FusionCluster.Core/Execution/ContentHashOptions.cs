namespace FusionCluster.Core.Execution;

/// <summary>
/// How <see cref="InputContentHasher"/> reads. Memory held is at most
/// <see cref="ParallelFiles"/> × <see cref="BlocksInFlight"/> × <see cref="BlockBytes"/> (96 MiB by default),
/// whatever the size of the inputs.
/// </summary>
public sealed record ContentHashOptions
{
    public static readonly ContentHashOptions Default = new();

    /// <summary>Bytes per read; with blobs, one ranged GET each.</summary>
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
