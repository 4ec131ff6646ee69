using FusionCluster.Alignment.Matching;
using FusionCluster.Connectivity.Networks;

namespace FusionCluster.Connectivity.Matching;

/// <summary>Weight matching (Git Re-Basin §3.2) of two classifiers, by the alignment project's <see cref="WeightMatcher"/>.</summary>
public static class ClassifierWeightMatching
{
    /// <summary>Per permutation group: perm[i] = b's unit that aligns with a's unit i.</summary>
    public static AlignmentResult Match(ClassifierWeights a, ClassifierWeights b, int seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var spec = UnitPermutations.SpecOf(a, "the first model");
        return WeightMatcher.Match(InMemory(a, "the first model"), InMemory(b, "the second model"), spec, new WeightMatchingOptions(Seed: seed), cancellationToken);
    }

    private static InMemoryAlignmentTensors InMemory(ClassifierWeights weights, string name) =>
        new(name, weights.Config.TensorShapes().ToDictionary(s => s.Name, s => (s.Shape, weights[s.Name].data<float>().ToArray()), StringComparer.Ordinal));
}
