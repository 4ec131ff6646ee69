namespace FusionCluster.Alignment.Permutations;

/// <summary>Expands a permutation of units into one of axis indices, each unit covering a block of consecutive indices.</summary>
public static class AxisIndexMap
{
    /// <param name="permutation">New unit u takes old unit permutation[u].</param>
    /// <param name="blockSize">Indices per unit.</param>
    /// <returns>For each new index along the axis, the old index it is read from.</returns>
    public static int[] Expand(IReadOnlyList<int> permutation, int blockSize)
    {
        var map = new int[checked(permutation.Count * blockSize)];
        for (var unit = 0; unit < permutation.Count; unit++)
        {
            var from = permutation[unit] * blockSize;
            for (var offset = 0; offset < blockSize; offset++)
            {
                map[(unit * blockSize) + offset] = from + offset;
            }
        }

        return map;
    }

    public static bool IsIdentity(IReadOnlyList<int> permutation)
    {
        for (var i = 0; i < permutation.Count; i++)
        {
            if (permutation[i] != i)
            {
                return false;
            }
        }

        return true;
    }
}
