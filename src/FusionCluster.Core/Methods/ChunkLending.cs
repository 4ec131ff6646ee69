using System.Runtime.InteropServices;

namespace FusionCluster.Core.Methods;

/// <summary>Reading a chunk where it is when its source lends it (<see cref="IChunkLender"/>), into a buffer otherwise.</summary>
public static class ChunkLending
{
    /// <summary>
    /// An array whose first <paramref name="length"/> values are elements [start, start + length) of
    /// <paramref name="source"/>: the lender's own (read only, valid until it reads another chunk), or
    /// <paramref name="buffer"/> with the values read into it.
    /// </summary>
    public static float[] Read(TensorSource source, long start, int length, float[] buffer)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(buffer);
        if (source is IChunkLender lender && MemoryMarshal.TryGetArray(lender.Lend(start, length), out var lent) && lent.Offset == 0)
        {
            return lent.Array!;
        }

        source.Read(start, buffer.AsSpan(0, length));
        return buffer;
    }
}
