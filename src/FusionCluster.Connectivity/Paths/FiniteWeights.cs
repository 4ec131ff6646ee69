using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Paths;

/// <summary>
/// A path's endpoints must have finite weights: a NaN or infinity spreads to every point of the path, the endpoint
/// weighted 0 included (0 × NaN is NaN), and its barriers come out as 0.
/// </summary>
public static class FiniteWeights
{
    /// <returns>The first tensor holding a NaN or infinite value, and how many it holds; null when all are finite.</returns>
    public static (string Tensor, long Count)? FirstNotFinite(IEnumerable<(string Name, Tensor Values)> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (var (name, values) in tensors)
        {
            using var finite = isfinite(values);
            using var all = finite.all();
            if (!all.item<bool>())
            {
                using var notFinite = finite.logical_not();
                using var count = notFinite.sum();
                return (name, count.item<long>());
            }
        }

        return null;
    }

    /// <summary>The error's text for <paramref name="model"/> and what <see cref="FirstNotFinite"/> found.</summary>
    public static string Describe(string model, (string Tensor, long Count) found) =>
        $"{model}: tensor '{found.Tensor}' holds {found.Count} NaN or infinite value(s); a path between models needs finite weights";
}
