using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.MultiTask;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.DataAware;

/// <summary>
/// RegMean (Jin et al., ICLR 2023): each linear layer's weight is the least-squares solution that best reproduces
/// every model's outputs on that model's inputs, W^T = (Σ G_i)^-1 Σ G_i W_i^T with G_i = X_i^T X_i, where the
/// non-diagonal entries of each G_i are scaled by <see cref="Alpha"/> (the paper's α, default 0.9; α = 0 is a
/// diagonal-weighted average). Other tensors (biases) are averaged. The arithmetic is the merge jobs' (<see cref="RegMeanMergeMethod"/>),
/// so an in-process merge and a job agree bit for bit.
/// </summary>
public sealed class RegMeanMethod(double alpha = 0.9) : IDataAwareMergeMethod
{
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

    /// <summary>The RegMean solution for one linear layer: weights [out, in], Gram matrices [in, in]; the merge jobs' kernel (<see cref="RegMeanMergeMethod.Solve"/>).</summary>
    public static Tensor MergeLinear(IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor> grams, double alpha)
    {
        if (weights.Count == 0 || weights.Count != grams.Count)
        {
            throw new ArgumentException($"RegMean needs one Gram matrix per model, got {weights.Count} weights and {grams.Count} Gram matrices");
        }

        var outputs = weights[0].shape[0];
        var inputs = weights[0].shape[1];
        for (var i = 0; i < grams.Count; i++)
        {
            if (grams[i].shape[0] != inputs || grams[i].shape[1] != inputs)
            {
                throw new ArgumentException($"model {i}: Gram matrix [{string.Join(", ", grams[i].shape)}] does not match the weight's {inputs} inputs");
            }
        }

        var solved = RegMeanMergeMethod.Solve(weights.Select(Floats).ToList(), grams.Select(Floats).ToList(), (int)outputs, (int)inputs, alpha, "linear layer");
        return tensor(solved, [outputs, inputs]);
    }

    internal static Tensor Average(IReadOnlyList<Tensor> tensors) => tensor(RegMeanMergeMethod.Average(tensors.Select(Floats).ToList()), tensors[0].shape);

    /// <summary>A tensor's values as float32, row-major.</summary>
    internal static float[] Floats(Tensor value)
    {
        using var scope = NewDisposeScope();
        return value.detach().to(float32).contiguous().data<float>().ToArray();
    }
}
