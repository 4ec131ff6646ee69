using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Training;

/// <summary>
/// Finds a NaN or infinity among a model's tensors: a path's endpoints need finite weights (such a value spreads to every
/// point, the endpoint weighted 0 included, since 0 × NaN is NaN), and a training whose weights left the finite numbers
/// has diverged.
/// </summary>
public static class FiniteWeights
{
    /// <returns>The first tensor holding a NaN or infinite value, and how many it holds; null when all are finite.</returns>
    public static (string Tensor, long Count)? FirstNotFinite(IEnumerable<(string Name, Tensor Values)> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (var (name, values) in tensors)
        {
            // Every intermediate held: TorchSharp can free an unreferenced one mid-call (see HeldScalars).
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

    /// <summary>The error's text for a path endpoint <paramref name="model"/> and what <see cref="FirstNotFinite"/> found.</summary>
    public static string DescribeEndpoint(string model, (string Tensor, long Count) found) =>
        $"{model}: tensor '{found.Tensor}' holds {found.Count} NaN or infinite value(s); a path between models needs finite weights";
}
