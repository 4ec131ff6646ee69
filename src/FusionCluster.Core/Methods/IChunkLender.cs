namespace FusionCluster.Core.Methods;

/// <summary>
/// A tensor source that keeps the chunk it read last, decoded, and lends it: readers that take the same chunk one after
/// another read the values where they are instead of copying them into buffers of their own.
/// </summary>
public interface IChunkLender
{
    /// <summary>
    /// Elements [start, start + length), decoded (read from the tensor unless they are the chunk kept). The values stay
    /// valid until the source reads another chunk; readers only read them. Thread-safe.
    /// </summary>
    ReadOnlyMemory<float> Lend(long start, int length);
}
