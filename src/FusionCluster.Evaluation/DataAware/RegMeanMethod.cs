using FusionCluster.Evaluation.MultiTask;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.DataAware;

/// <summary>
/// RegMean (Jin et al., ICLR 2023): each linear layer's weight is the least-squares solution that best reproduces
/// every model's outputs on that model's inputs, W^T = (Σ G_i)^-1 Σ G_i W_i^T with G_i = X_i^T X_i, where the
/// non-diagonal entries of each G_i are scaled by <see cref="Alpha"/> (the paper's α, default 0.9; α = 0 is a
/// diagonal-weighted average). Other tensors (biases) are averaged.
/// </summary>
public sealed class RegMeanMethod(double alpha = 0.9) : IDataAwareMergeMethod
{
    /// <summary>
    /// Added to every G_i's diagonal, relative to the largest diagonal entry: an input no model ever sees (a pixel that
    /// is 0 in every image) then gets the plain average of the models' weights instead of a singular solve.
    /// </summary>
    public const double Ridge = 1e-6;

    public string Name => "regmean";

    public double Alpha { get; } = alpha is >= 0 and <= 1 ? alpha : throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "RegMean's α is in [0, 1]");

    public NamedTensors Merge(DataAwareMergeInputs inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var grams = new List<NamedTensors>();
        try
        {
            foreach (var model in inputs.Models)
            {
                cancellationToken.ThrowIfCancellationRequested();
                grams.Add(inputs.Statistics.Grams(model));
            }

            var merged = new NamedTensors();
            foreach (var name in inputs.Pretrained.Names)
            {
                var weights = inputs.Models.Select(m => m.Backbone[name]).ToList();
                merged.Add(name, grams[0].Contains(name)
                    ? MergeLinear(weights, grams.Select(g => g[name]).ToList(), Alpha)
                    : Average(weights));
            }

            return merged;
        }
        finally
        {
            grams.ForEach(g => g.Dispose());
        }
    }

    /// <summary>The RegMean solution for one linear layer: weights [out, in], Gram matrices [in, in].</summary>
    public static Tensor MergeLinear(IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor> grams, double alpha)
    {
        if (weights.Count == 0 || weights.Count != grams.Count)
        {
            throw new ArgumentException($"RegMean needs one Gram matrix per model, got {weights.Count} weights and {grams.Count} Gram matrices");
        }

        using var scope = NewDisposeScope();
        var inFeatures = weights[0].shape[1];
        var ridge = Ridge * grams.Max(g => g.diagonal().max().item<float>());
        if (!(ridge > 0))
        {
            ridge = Ridge;
        }

        using var identity = eye(inFeatures, dtype: float64);
        Tensor? lhs = null;
        Tensor? rhs = null;
        for (var i = 0; i < weights.Count; i++)
        {
            if (grams[i].shape[0] != inFeatures || grams[i].shape[1] != inFeatures)
            {
                throw new ArgumentException($"model {i}: Gram matrix [{string.Join(", ", grams[i].shape)}] does not match the weight's {inFeatures} inputs");
            }

            var g = grams[i].to(float64);
            var diagonal = diag(g.diagonal());
            var scaled = (g * alpha) + (diagonal * (1 - alpha)) + (identity * ridge);
            var term = scaled.matmul(weights[i].to(float64).t());
            lhs = lhs is null ? scaled : lhs + scaled;
            rhs = rhs is null ? term : rhs + term;
        }

        return linalg.solve(lhs!, rhs!).t().to(float32).contiguous().MoveToOuterDisposeScope();
    }

    private static Tensor Average(IReadOnlyList<Tensor> tensors) => stack(tensors).mean([0]);
}
