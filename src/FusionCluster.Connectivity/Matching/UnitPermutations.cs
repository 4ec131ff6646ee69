using FusionCluster.Alignment.Permutations;
using FusionCluster.Alignment.Specs;
using FusionCluster.Connectivity.Networks;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Matching;

/// <summary>
/// Applies permutations of hidden units to a classifier as the alignment project's <see cref="PermutationSpec"/>
/// says: for each group, perm[i] is the unit of the original that moves to position i, on every axis the group
/// permutes (whole blocks of a flattened feature map move with their channel). The function is unchanged.
/// </summary>
public static class UnitPermutations
{
    /// <summary>The classifiers' spec, derived by the alignment project from the tensor shapes.</summary>
    public static PermutationSpec SpecOf(ClassifierWeights weights, string model)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return ClassifierPermutationSpec.Derive(weights.Config.TensorShapes().ToDictionary(s => s.Name, s => s.Shape, StringComparer.Ordinal), model);
    }

    /// <summary>A permuted copy of <paramref name="weights"/>.</summary>
    public static ClassifierWeights Apply(ClassifierWeights weights, PermutationSpec spec, IReadOnlyDictionary<string, int[]> permutations)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(permutations);
        foreach (var group in spec.Groups)
        {
            if (!permutations.TryGetValue(group.Name, out var permutation) || permutation.Length != group.Size || permutation.Order().Select((u, i) => u != i).Any(d => d))
            {
                throw new ArgumentException($"group '{group.Name}' needs a permutation of 0..{group.Size - 1}", nameof(permutations));
            }
        }

        return weights.Map((name, original) =>
        {
            var permuted = original.clone();
            foreach (var axis in spec.Tensors.TryGetValue(name, out var axes) ? axes : [])
            {
                using var index = tensor(AxisIndexMap.Expand(permutations[axis.Group], axis.BlockSize).Select(i => (long)i).ToArray());
                var next = permuted.index_select(axis.Axis, index);
                permuted.Dispose();
                permuted = next;
            }

            return permuted;
        });
    }
}
