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

    /// <summary>Σ (F_i + ε) θ_i / Σ (F_i + ε), element-wise, in float64.</summary>
    public static Tensor WeightedAverage(IReadOnlyList<Tensor> values, IReadOnlyList<Tensor> fishers, double epsilon)
    {
        if (values.Count == 0 || values.Count != fishers.Count)
        {
            throw new ArgumentException($"Fisher merging needs one Fisher per model, got {values.Count} tensors and {fishers.Count} Fishers");
        }

        using var scope = NewDisposeScope();
        Tensor? numerator = null;
        Tensor? denominator = null;
        for (var i = 0; i < values.Count; i++)
        {
            var weight = fishers[i].to(float64) + epsilon;
            var term = weight * values[i].to(float64);
            numerator = numerator is null ? term : numerator + term;
            denominator = denominator is null ? weight : denominator + weight;
        }

        return (numerator! / denominator!).to(float32).MoveToOuterDisposeScope();
    }
}
