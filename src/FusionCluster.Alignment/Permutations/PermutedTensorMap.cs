using FusionCluster.Alignment.Specs;

namespace FusionCluster.Alignment.Permutations;

/// <summary>
/// Where the elements of a permuted model's tensors come from in the original: for any slice of a
/// permuted tensor, the runs of the original to read. A merge unit can read an aligned model through
/// it without a permuted copy ever being written.
/// </summary>
public sealed class PermutedTensorMap(PermutationSpec spec, IReadOnlyDictionary<string, int[]> permutations)
{
    public PermutationSpec Spec => spec;

    /// <summary>Per axis of the tensor, the original index of each permuted index (null: unchanged).</summary>
    public int[]?[] AxisMaps(string tensor, IReadOnlyList<long> shape)
    {
        if (!spec.Tensors.TryGetValue(tensor, out var axes))
        {
            throw new AlignmentException($"tensor '{tensor}' is not covered by the permutation spec");
        }

        var maps = new int[]?[shape.Count];
        foreach (var axis in axes)
        {
            if (!permutations.TryGetValue(axis.Group, out var permutation))
            {
                throw new AlignmentException($"tensor '{tensor}': no permutation for group '{axis.Group}'");
            }

            if (axis.Axis >= shape.Count || shape[axis.Axis] != (long)permutation.Length * axis.BlockSize)
            {
                throw new AlignmentException($"tensor '{tensor}' [{string.Join(", ", shape)}]: axis {axis.Axis} does not hold {permutation.Length} units of {axis.BlockSize} for group '{axis.Group}'");
            }

            if (!AxisIndexMap.IsIdentity(permutation))
            {
                maps[axis.Axis] = AxisIndexMap.Expand(permutation, axis.BlockSize);
            }
        }

        return maps;
    }

    /// <summary>The runs of the original that make up permuted elements [start, start + count), in order; adjacent runs merged.</summary>
    public IReadOnlyList<SourceRun> SourceRuns(string tensor, IReadOnlyList<long> shape, long start, long count)
    {
        var total = shape.Aggregate(1L, (a, b) => a * b);
        if (start < 0 || count < 0 || start > total - count)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"tensor '{tensor}': elements [{start}, {start + count}) are outside its {total}");
        }

        var maps = AxisMaps(tensor, shape);
        var rank = shape.Count;
        // Trailing axes left unmapped are read as one contiguous run per outer index.
        var outer = rank;
        while (outer > 0 && maps[outer - 1] is null)
        {
            outer--;
        }

        var runLength = 1L;
        for (var axis = outer; axis < rank; axis++)
        {
            runLength *= shape[axis];
        }

        var strides = new long[rank];
        for (var axis = rank - 1; axis >= 0; axis--)
        {
            strides[axis] = axis == rank - 1 ? 1 : strides[axis + 1] * shape[axis + 1];
        }

        var runs = new List<SourceRun>();
        var position = start;
        var end = start + count;
        while (position < end)
        {
            var runIndex = position / runLength;
            var offset = position % runLength;
            var length = Math.Min(runLength - offset, end - position);
            var source = offset;
            var rest = runIndex;
            for (var axis = outer - 1; axis >= 0; axis--)
            {
                var index = rest % shape[axis];
                rest /= shape[axis];
                source += (maps[axis] is { } map ? map[index] : index) * strides[axis];
            }

            if (runs.Count > 0 && runs[^1].SourceStart + runs[^1].Length == source)
            {
                runs[^1] = runs[^1] with { Length = runs[^1].Length + length };
            }
            else
            {
                runs.Add(new SourceRun(source, length));
            }

            position += length;
        }

        return runs;
    }
}
