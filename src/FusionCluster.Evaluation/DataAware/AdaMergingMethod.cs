using FusionCluster.Core.Execution;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.MultiTask;
using FusionCluster.Evaluation.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.DataAware;

/// <summary>
/// Layer-wise AdaMerging (Yang et al., ICLR 2024): θ_k = θ0_k + Σ_i λ_ik τ_ik, one coefficient per model and
/// backbone tensor, initialised to <see cref="InitialCoefficient"/> (0.3) and learned with Adam by minimising the
/// Shannon entropy of every task's predictions (through its own head) on unlabelled held-out inputs; coefficients
/// are clipped to [0, 1] after each step, as in the paper's code.
/// </summary>
public sealed class AdaMergingMethod(int steps, int batch, double learningRate = 1e-3) : IDataAwareMergeMethod
{
    public const double InitialCoefficient = 0.3;

    public string Name => "adamerging";

    /// <summary>The coefficients of the last merge: [model, backbone tensor].</summary>
    public double[,]? LastCoefficients { get; private set; }

    public NamedTensors Merge(DataAwareMergeInputs inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var unlabelled = inputs.Models.Select(m => MultiTaskNetwork.Inputs(m.Data, m.Data.Indices(DatasetSplit.HeldOut))).ToList();
        try
        {
            var coefficients = Learn(inputs.Pretrained, inputs.Models.Select(m => m.Backbone).ToList(), inputs.Models.Select(m => m.Head).ToList(), unlabelled, steps, batch, learningRate, inputs.Seed, cancellationToken);
            LastCoefficients = coefficients;
            return Combine(inputs.Pretrained, inputs.Models.Select(m => m.Backbone).ToList(), coefficients);
        }
        finally
        {
            unlabelled.ForEach(u => u.Dispose());
        }
    }

    /// <summary>λ [model, tensor] after <paramref name="steps"/> Adam steps on the summed mean entropy of random batches of each task's inputs.</summary>
    public static double[,] Learn(NamedTensors pretrained, IReadOnlyList<NamedTensors> models, IReadOnlyList<NamedTensors> heads, IReadOnlyList<Tensor> inputs, int steps, int batch, double learningRate, ulong seed, CancellationToken cancellationToken = default)
    {
        var names = pretrained.Names;
        using var lambda = new Parameter(full([models.Count, names.Count], InitialCoefficient, dtype: float32), requires_grad: true);
        using (TorchThreads.Use(1))
        {
            var vectors = TaskVectors(pretrained, models);
            try
            {
                using var optimizer = new AdamOptimizer([lambda], learningRate);
                var random = new DeterministicRandom(seed);
                for (var step = 0; step < steps; step++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // Each step is progress of the coefficients unit (the worker's stall rule).
                    UnitProgress.Beat();
                    using var scope = NewDisposeScope();
                    optimizer.ZeroGrad();
                    var batches = inputs.Select(x => x.index_select(0, tensor(Enumerable.Range(0, Math.Min(batch, (int)x.shape[0])).Select(_ => (long)random.NextInt((int)x.shape[0])).ToArray()))).ToList();
                    var loss = EntropyOf(pretrained, vectors, heads, batches, lambda);
                    loss.backward();
                    optimizer.Step();
                    using var noGrad = no_grad();
                    lambda.clamp_(HeldScalars.Zero, HeldScalars.One);
                }
            }
            finally
            {
                vectors.ForEach(v => v.Dispose());
            }

            var result = new double[models.Count, names.Count];
            using var values = lambda.detach().to(float64);
            var flat = values.data<double>().ToArray();
            for (var i = 0; i < models.Count; i++)
            {
                for (var k = 0; k < names.Count; k++)
                {
                    result[i, k] = flat[(i * names.Count) + k];
                }
            }

            return result;
        }
    }

    /// <summary>The objective: Σ over tasks of the mean entropy of the merged model's predictions on <paramref name="inputs"/>[t] through head t.</summary>
    public static double Entropy(NamedTensors pretrained, IReadOnlyList<NamedTensors> models, IReadOnlyList<NamedTensors> heads, IReadOnlyList<Tensor> inputs, double[,] coefficients)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var vectors = TaskVectors(pretrained, models);
        var flat = new float[coefficients.Length];
        for (var i = 0; i < coefficients.GetLength(0); i++)
        {
            for (var k = 0; k < coefficients.GetLength(1); k++)
            {
                flat[(i * coefficients.GetLength(1)) + k] = (float)coefficients[i, k];
            }
        }

        var lambda = tensor(flat, [coefficients.GetLength(0), coefficients.GetLength(1)]);
        return EntropyOf(pretrained, vectors, heads, inputs, lambda).item<float>();
    }

    /// <summary>θ0 + Σ_i λ_ik τ_ik for every tensor k.</summary>
    public static NamedTensors Combine(NamedTensors pretrained, IReadOnlyList<NamedTensors> models, double[,] coefficients)
    {
        var merged = new NamedTensors();
        using var noGrad = no_grad();
        var names = pretrained.Names;
        for (var k = 0; k < names.Count; k++)
        {
            using var value = pretrained[names[k]].to(float64);
            for (var i = 0; i < models.Count; i++)
            {
                using var scope = NewDisposeScope();
                using var coefficient = coefficients[i, k].ToScalar();
                var delta = models[i][names[k]].to(float64) - pretrained[names[k]].to(float64);
                value.add_(delta * coefficient, HeldScalars.One);
            }

            merged.Add(names[k], value.to(float32));
        }

        return merged;
    }

    private static List<Tensor> TaskVectors(NamedTensors pretrained, IReadOnlyList<NamedTensors> models)
    {
        var names = pretrained.Names;
        // [model, ...] per tensor k: stacked task vectors τ_ik.
        return names.Select(name =>
        {
            using var scope = NewDisposeScope();
            return stack(models.Select(m => m[name] - pretrained[name]).ToArray()).MoveToOuterDisposeScope();
        }).ToList();
    }

    private static Tensor EntropyOf(NamedTensors pretrained, IReadOnlyList<Tensor> vectors, IReadOnlyList<NamedTensors> heads, IReadOnlyList<Tensor> inputs, Tensor lambda)
    {
        var names = pretrained.Names;
        var merged = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (var k = 0; k < names.Count; k++)
        {
            var shape = new long[vectors[k].dim()];
            Array.Fill(shape, 1L);
            shape[0] = -1;
            var coefficients = lambda.select(1, k).view(shape);
            merged[names[k]] = pretrained[names[k]].add((vectors[k] * coefficients).sum(dim: 0L), HeldScalars.One);
        }

        var layers = MultiTaskNetwork.LayerCount(pretrained);
        Tensor? total = null;
        for (var t = 0; t < inputs.Count; t++)
        {
            var logits = MultiTaskNetwork.Logits(n => merged[n], layers, heads[t][MultiTaskNetwork.HeadWeight], heads[t][MultiTaskNetwork.HeadBias], inputs[t]);
            var logP = nn.functional.log_softmax(logits, 1);
            var entropy = -(logP.exp() * logP).sum(1).mean();
            total = total is null ? entropy : total + entropy;
        }

        return total!;
    }
}
