using FusionCluster.Connectivity.Networks;
using FusionCluster.Evaluation.Models;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Tests.Support;

/// <summary>
/// Permutes the hidden units of an MLP with plain array loops, written apart from the code under test:
/// hidden layer l's unit i becomes the original unit perm[l][i] (rows of W_l and b_l, columns of W_{l+1}).
/// </summary>
public static class HandPermutation
{
    public static ClassifierWeights PermuteMlp(ClassifierWeights weights, IReadOnlyList<int[]> perms)
    {
        var arrays = weights.Config.TensorShapes().ToDictionary(s => s.Name, s => (s.Shape, Values: weights[s.Name].data<float>().ToArray()));
        for (var layer = 0; layer < perms.Count; layer++)
        {
            var perm = perms[layer];
            var (shape, w) = arrays[$"layers.{layer}.weight"];
            var columns = (int)shape[1];
            var rows = new float[w.Length];
            for (var i = 0; i < perm.Length; i++)
            {
                Array.Copy(w, perm[i] * columns, rows, i * columns, columns);
            }

            arrays[$"layers.{layer}.weight"] = (shape, rows);
            var bias = arrays[$"layers.{layer}.bias"].Values;
            arrays[$"layers.{layer}.bias"] = (arrays[$"layers.{layer}.bias"].Shape, perm.Select(p => bias[p]).ToArray());
            var (nextShape, next) = arrays[$"layers.{layer + 1}.weight"];
            var nextColumns = (int)nextShape[1];
            var moved = new float[next.Length];
            for (var r = 0; r < nextShape[0]; r++)
            {
                for (var i = 0; i < perm.Length; i++)
                {
                    moved[(r * nextColumns) + i] = next[(r * nextColumns) + perm[i]];
                }
            }

            arrays[$"layers.{layer + 1}.weight"] = (nextShape, moved);
        }

        return new ClassifierWeights(weights.Config, arrays.ToDictionary(p => p.Key, p => tensor(p.Value.Values, p.Value.Shape)));
    }

    public static int[] RandomPermutation(int size, int seed)
    {
        var perm = Enumerable.Range(0, size).ToArray();
        new Random(seed).Shuffle(perm);
        return perm;
    }

    public static IReadOnlyList<int> HiddenWidths(ClassifierConfig config) => [.. config.ConvChannels, .. config.HiddenSizes];
}
