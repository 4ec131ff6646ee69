using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.MultiTask;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.DataAware;

/// <summary>
/// Fisher merging (Matena and Raffel, NeurIPS 2022): every parameter is the average of the models' values weighted
/// by their diagonal Fisher information, θ = Σ (F_i + ε) θ_i / Σ (F_i + ε). ε keeps a parameter no model's data moves
/// (all F_i = 0) at the plain average.
/// </summary>
public sealed class FisherMethod(double epsilon = 1e-8) : IDataAwareMergeMethod
{
    public string Name => "fisher";

    public double Epsilon { get; } = epsilon > 0 ? epsilon : throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "must be positive");

    public NamedTensors Merge(DataAwareMergeInputs inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var fishers = new List<NamedTensors>();
        try
        {
            foreach (var model in inputs.Models)
            {
                cancellationToken.ThrowIfCancellationRequested();
                fishers.Add(inputs.Statistics.Fishers(model));
            }

            var merged = new NamedTensors();
            foreach (var name in inputs.Pretrained.Names)
            {
                merged.Add(name, WeightedAverage(inputs.Models.Select(m => m.Backbone[name]).ToList(), fishers.Select(f => f[name]).ToList(), Epsilon));
            }

            return merged;
        }
        finally
        {
            fishers.ForEach(f => f.Dispose());
        }
    }

    /// <summary>Σ (F_i + ε) θ_i / Σ (F_i + ε), element-wise, in float64: the merge jobs' kernel (<see cref="FisherMergeMethod.WeightedAverage"/>).</summary>
    public static Tensor WeightedAverage(IReadOnlyList<Tensor> values, IReadOnlyList<Tensor> fishers, double epsilon)
    {
        if (values.Count == 0 || values.Count != fishers.Count)
        {
            throw new ArgumentException($"Fisher merging needs one Fisher per model, got {values.Count} tensors and {fishers.Count} Fishers");
        }

        return tensor(FisherMergeMethod.WeightedAverage(values.Select(RegMeanMethod.Floats).ToList(), fishers.Select(RegMeanMethod.Floats).ToList(), epsilon), values[0].shape);
    }
}
