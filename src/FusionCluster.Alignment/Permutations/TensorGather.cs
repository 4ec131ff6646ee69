namespace FusionCluster.Alignment.Permutations;

/// <summary>
/// Copies a row-major tensor into a new one whose axes may be reordered and whose indices along any axis
/// may be read through a map: destination[n0, n1, ...] = source[..., map_a(n_k) at axis a = order[k], ...].
/// Works on raw elements of any size, so permuting stored bytes is exact for every dtype.
/// </summary>
public static class TensorGather
{
    /// <param name="source">The tensor's elements, row-major.</param>
    /// <param name="destination">Receives the gathered elements, row-major in the output axis order.</param>
    /// <param name="elementSize">Bytes per element.</param>
    /// <param name="shape">The source's shape.</param>
    /// <param name="order">Output axis k is source axis order[k]; null keeps the source order.</param>
    /// <param name="maps">Per source axis, the source index read for each output index, or null for the identity.</param>
    public static void Gather(ReadOnlySpan<byte> source, Span<byte> destination, int elementSize, IReadOnlyList<long> shape, IReadOnlyList<int>? order, IReadOnlyList<int[]?> maps)
    {
        var rank = shape.Count;
        var elements = shape.Aggregate(1L, (a, b) => a * b);
        if (source.Length != elements * elementSize || destination.Length != source.Length)
        {
            throw new ArgumentException($"a tensor of shape [{string.Join(", ", shape)}] needs {elements * elementSize} bytes; got {source.Length} in and {destination.Length} out");
        }

        if (rank == 0 || elements == 0)
        {
            source.CopyTo(destination);
            return;
        }

        var axes = order?.ToArray() ?? Enumerable.Range(0, rank).ToArray();
        var sourceStrides = new long[rank];
        sourceStrides[rank - 1] = 1;
        for (var axis = rank - 2; axis >= 0; axis--)
        {
            sourceStrides[axis] = sourceStrides[axis + 1] * shape[axis + 1];
        }

        // The trailing output axes that are the source's trailing axes, in order and unmapped, form one
        // contiguous run per copy.
        var runAxes = 0;
        while (runAxes < rank && axes[rank - 1 - runAxes] == rank - 1 - runAxes && maps[rank - 1 - runAxes] is null)
        {
            runAxes++;
        }

        var runLength = 1L;
        for (var k = rank - runAxes; k < rank; k++)
        {
            runLength *= shape[k];
        }

        var state = new GatherState(axes, maps, shape, sourceStrides, rank - runAxes, runLength * elementSize, elementSize);
        var written = 0L;
        Copy(source, destination, state, 0, 0, ref written);
    }

    private static void Copy(ReadOnlySpan<byte> source, Span<byte> destination, GatherState state, int depth, long sourceOffset, ref long written)
    {
        if (depth == state.OuterAxes)
        {
            var bytes = (int)state.RunBytes;
            source.Slice((int)(sourceOffset * state.ElementSize), bytes).CopyTo(destination.Slice((int)written, bytes));
            written += bytes;
            return;
        }

        var axis = state.Axes[depth];
        var map = state.Maps[axis];
        var stride = state.SourceStrides[axis];
        var length = state.Shape[axis];
        if (depth == state.OuterAxes - 1 && state.RunBytes == state.ElementSize)
        {
            // The innermost loop copies single elements: keep it tight.
            var size = state.ElementSize;
            for (var index = 0; index < length; index++)
            {
                var from = (sourceOffset + ((map is null ? index : map[index]) * stride)) * size;
                source.Slice((int)from, size).CopyTo(destination.Slice((int)written, size));
                written += size;
            }

            return;
        }

        for (var index = 0; index < length; index++)
        {
            Copy(source, destination, state, depth + 1, sourceOffset + ((map is null ? index : map[index]) * stride), ref written);
        }
    }

    private sealed record GatherState(int[] Axes, IReadOnlyList<int[]?> Maps, IReadOnlyList<long> Shape, long[] SourceStrides, int OuterAxes, long RunBytes, int ElementSize);
}
