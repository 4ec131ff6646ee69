using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Planning;

/// <summary>
/// Methods that divide by the sum of the weights (linear with normalize, multislerp with normalize_weights)
/// cannot merge a tensor whose weights sum to zero: mergekit does not guard it and writes inf/NaN. Refused at
/// planning, naming the tensor and the models' weights, before anything is read or staged.
/// </summary>
internal static class NormalisedWeights
{
    private static readonly Dictionary<string, string> NormalisingFlag = new(StringComparer.Ordinal)
    {
        ["linear"] = "normalize",
        ["multislerp"] = "normalize_weights",
    };

    public static void Check(string method, IReadOnlyList<TensorInput> inputs, IReadOnlyDictionary<string, double> globals, string tensorName)
    {
        if (!NormalisingFlag.TryGetValue(method, out var flag) || globals.GetValueOrDefault(flag, 1) == 0)
        {
            return;
        }

        var weights = inputs.Select(i => (i.Model, Weight: i.Parameters.GetValueOrDefault("weight"))).ToList();
        if (weights.Sum(w => w.Weight) != 0)
        {
            return;
        }

        var listed = string.Join(", ", weights.Select(w => $"'{w.Model}' {w.Weight}"));
        var what = weights.TrueForAll(w => w.Weight == 0) ? "every weight is 0" : "the weights sum to 0";
        throw new SpecException(
            $"tensor '{tensorName}': {what} ({listed}), and merge_method '{method}' divides by their sum; give a non-zero sum or set {flag}: false");
    }
}
