using FusionCluster.Alignment.Assignment;
using FusionCluster.Alignment.Matching;
using FusionCluster.Connectivity.Networks;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Matching;

/// <summary>
/// Activation matching (Git Re-Basin §3.1, as REPAIR's code does it with correlations): for each hidden layer,
/// the Pearson correlation of every unit of a with every unit of b over the data, then one linear assignment per
/// layer maximising the total correlation. Units are compared by their pre-activations (a convolution channel's
/// positions count as samples): after ReLU, units that are silent on the data are constant, correlate with
/// nothing, and could be matched arbitrarily; before it they still differ. Layers are independent: permuting earlier layers of b does not change which values a unit
/// takes, only where it sits, so both models run once, unpermuted.
/// </summary>
public static class ActivationMatcher
{
    private const long BatchSize = 1024;

    /// <summary>Per permutation group of the classifier spec (one per hidden layer): perm[i] = b's unit matched to a's unit i.</summary>
    public static IReadOnlyDictionary<string, int[]> Match(ClassifierWeights a, ClassifierWeights b, Tensor inputs, ILinearAssignmentSolver solver) =>
        MatchGroups(a, b, inputs, solver).Permutations;

    /// <summary>
    /// The same matching in the structure weight matching leaves (one pass, so one sweep, converged): per group
    /// its permutation, the units moved, and the total correlation of matched units before (identity) and after.
    /// </summary>
    public static AlignmentResult MatchGroups(ClassifierWeights a, ClassifierWeights b, Tensor inputs, ILinearAssignmentSolver solver)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(solver);
        var spec = UnitPermutations.SpecOf(a, "the first model");
        var correlations = spec.Groups.Select(g => new FeatureCorrelation(2 * g.Size)).ToArray();
        try
        {
            using (no_grad())
            {
                for (long start = 0; start < inputs.shape[0]; start += BatchSize)
                {
                    using var scope = NewDisposeScope();
                    var batch = inputs.narrow(0, start, Math.Min(BatchSize, inputs.shape[0] - start));
                    var activationsA = HiddenActivations(a, batch);
                    var activationsB = HiddenActivations(b, batch);
                    for (var layer = 0; layer < correlations.Length; layer++)
                    {
                        correlations[layer].Add(cat([activationsA[layer], activationsB[layer]], 1));
                    }
                }
            }

            var groups = new List<GroupAlignment>();
            for (var layer = 0; layer < correlations.Length; layer++)
            {
                var units = spec.Groups[layer].Size;
                var joint = correlations[layer].Correlation();

                // The a-by-b block of the joint correlation matrix: rows a's units, columns b's.
                var similarity = new float[units * units];
                for (var i = 0; i < units; i++)
                {
                    for (var j = 0; j < units; j++)
                    {
                        similarity[(i * units) + j] = (float)joint[(i * 2 * units) + units + j];
                    }
                }

                var permutation = solver.Solve(similarity, units);
                var identity = Enumerable.Range(0, units).ToArray();
                groups.Add(new GroupAlignment(
                    spec.Groups[layer].Name,
                    permutation,
                    permutation.Where((from, to) => from != to).Count(),
                    AssignmentObjective.Of(similarity, units, identity),
                    AssignmentObjective.Of(similarity, units, permutation)));
            }

            return new AlignmentResult(groups, Sweeps: 1, Converged: true);
        }
        finally
        {
            foreach (var correlation in correlations)
            {
                correlation.Dispose();
            }
        }
    }

    /// <summary>Each hidden layer's pre-activations as [samples, units].</summary>
    internal static List<Tensor> HiddenActivations(ClassifierWeights weights, Tensor batch)
    {
        var activations = new List<Tensor>();
        ClassifierForward.Logits(weights, batch, (_, pre, _) => activations.Add(ClassifierForward.AsUnitColumns(pre)));
        return activations;
    }
}
