namespace FusionCluster.Alignment.Tests.Support;

/// <summary>
/// Permutes tensors the slow, obvious way, independently of the code under test: for every element of
/// the result, decompose its flat index into per-axis indices, map each permuted axis's index through
/// its unit permutation (unit = index / block), and read that element of the original.
/// </summary>
internal static class ReferencePermutation
{
    /// <param name="axes">Per permuted axis: its unit permutation (new unit u takes old unit perm[u]) and block size.</param>
    public static float[] Apply(float[] values, long[] shape, IReadOnlyDictionary<int, (int[] Permutation, int Block)> axes)
    {
        var result = new float[values.Length];
        var index = new long[shape.Length];
        for (long flat = 0; flat < values.Length; flat++)
        {
            var rest = flat;
            for (var axis = shape.Length - 1; axis >= 0; axis--)
            {
                index[axis] = rest % shape[axis];
                rest /= shape[axis];
            }

            long source = 0;
            for (var axis = 0; axis < shape.Length; axis++)
            {
                var i = index[axis];
                if (axes.TryGetValue(axis, out var permuted))
                {
                    i = (permuted.Permutation[i / permuted.Block] * permuted.Block) + (i % permuted.Block);
                }

                source = (source * shape[axis]) + i;
            }

            result[flat] = values[source];
        }

        return result;
    }

    public static int[] Random(Random random, int size)
    {
        var permutation = Enumerable.Range(0, size).ToArray();
        random.Shuffle(permutation);
        return permutation;
    }

    public static int[] Inverse(int[] permutation)
    {
        var inverse = new int[permutation.Length];
        for (var i = 0; i < permutation.Length; i++)
        {
            inverse[permutation[i]] = i;
        }

        return inverse;
    }
}
