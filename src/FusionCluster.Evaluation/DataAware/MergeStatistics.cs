using System.Diagnostics;
using System.Security.Cryptography;
using FusionCluster.Core.Execution;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.MultiTask;
using FusionCluster.Evaluation.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.DataAware;

/// <summary>
/// The statistics step of data-aware merging: per input model, the Gram matrices X^T X / n of every backbone
/// linear layer's inputs (RegMean) and the diagonal empirical Fisher E[(∇ log p(y|x))^2] of every backbone tensor
/// (Fisher merging), from forward and backward passes on the first <see cref="Samples"/> samples of the model's
/// training split. Each result is a safetensors file in <see cref="Folder"/> named by kind, model fingerprint and
/// dataset hash, so a sweep (or a second benchmark run) computes it once. Each (kind, model) computation is
/// independent of the others: it is what a merge job's statistics units run (JobStatistics), one per model.
/// </summary>
public sealed class MergeStatistics(string folder, int samples)
{
    public const string GramKind = Core.Methods.StatisticsKinds.Gram;
    public const string FisherKind = Core.Methods.StatisticsKinds.Fisher;

    public string Folder { get; } = Path.GetFullPath(folder);

    public int Samples { get; } = samples > 0 ? samples : throw new ArgumentOutOfRangeException(nameof(samples), samples, "must be positive");

    /// <summary>Statistics files computed (not found in the cache) by this instance.</summary>
    public int Computed { get; private set; }

    /// <summary>Statistics files found in the cache.</summary>
    public int Reused { get; private set; }

    /// <summary>Wall time spent computing (not reading) statistics.</summary>
    public TimeSpan ComputeTime { get; private set; }

    /// <summary>Per backbone linear layer weight name, the input Gram matrix [in, in] (mean over samples).</summary>
    public NamedTensors Grams(DataAwareModel model) => GetOrCompute(GramKind, model, () =>
    {
        var (x, y) = Inputs(model);
        using (x)
        using (y)
        {
            return ComputeGrams(model.Backbone, x);
        }
    });

    /// <summary>Per backbone tensor, the diagonal Fisher (same shape as the tensor).</summary>
    public NamedTensors Fishers(DataAwareModel model) => GetOrCompute(FisherKind, model, () =>
    {
        var (x, y) = Inputs(model);
        using (x)
        using (y)
        {
            return ComputeFishers(model.Backbone, model.Head, x, y);
        }
    });

    /// <summary>Gram matrices of each linear layer's inputs over the rows of <paramref name="x"/>.</summary>
    public static NamedTensors ComputeGrams(NamedTensors backbone, Tensor x)
    {
        using var noGrad = no_grad();
        var grams = new NamedTensors();
        var inputs = MultiTaskNetwork.LayerInputs(backbone, x);
        try
        {
            for (var l = 0; l < inputs.Count; l++)
            {
                // Each layer's Gram matrix is progress of a statistics unit (the worker's stall rule).
                UnitProgress.Beat();
                grams.Add(MultiTaskNetwork.Weight(l), Gram(inputs[l]));
            }
        }
        finally
        {
            foreach (var input in inputs)
            {
                input.Dispose();
            }
        }

        return grams;
    }

    /// <summary>X^T X / n of a layer's inputs X [n, in], summed in float64, as float32 [in, in].</summary>
    public static Tensor Gram(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var count = inputs.shape[0].ToScalar();
        var input64 = inputs.to(float64);
        return input64.t().matmul(input64).div(count).to(float32).MoveToOuterDisposeScope();
    }

    /// <summary>What the layer after one with inputs <paramref name="inputs"/> receives: ReLU(X W^T + b), the network's forward step (<see cref="MultiTaskNetwork.LayerInputs"/>).</summary>
    public static Tensor NextLayerInputs(Tensor inputs, Tensor weight, Tensor bias)
    {
        using var noGrad = no_grad();
        using var linear = nn.functional.linear(inputs, weight, bias);
        return nn.functional.relu(linear);
    }

    /// <summary>Mean over samples of the squared gradient of log p(label | x) for every backbone tensor (one backward pass per sample).</summary>
    public static NamedTensors ComputeFishers(NamedTensors backbone, NamedTensors head, Tensor x, Tensor y)
    {
        var layers = MultiTaskNetwork.LayerCount(backbone);
        return SquaredGradients(backbone, x, y, (parameter, input) => MultiTaskNetwork.Logits(parameter, layers, head[MultiTaskNetwork.HeadWeight], head[MultiTaskNetwork.HeadBias], input));
    }

    /// <summary>
    /// The same for a whole classifier checkpoint (<c>layers.&lt;i&gt;</c>, the last one giving the logits): every tensor,
    /// the last layer's too. Its other layers' Fishers are those <see cref="ComputeFishers"/> gives with the last layer as the head.
    /// </summary>
    public static NamedTensors ComputeClassifierFishers(NamedTensors classifier, Tensor x, Tensor y)
    {
        var last = MultiTaskNetwork.LayerCount(classifier) - 1;
        return SquaredGradients(classifier, x, y, (parameter, input) => MultiTaskNetwork.Logits(parameter, last, parameter(MultiTaskNetwork.Weight(last)), parameter(MultiTaskNetwork.Bias(last)), input));
    }

    /// <summary>
    /// Runs <paramref name="compute"/> with torch on one thread: the sums then do not depend on the machine's cores.
    /// The count is set on the thread that runs <paramref name="compute"/> (<see cref="TorchThreads"/>).
    /// </summary>
    public static T SingleThreaded<T>(Func<T> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        using var threads = TorchThreads.Use(1);
        return compute();
    }

    /// <summary>
    /// <see cref="SingleThreaded"/> for work that awaits (reading weights between forward passes): every thread that
    /// continues it after an await runs torch on one thread too (<see cref="TorchThreads"/>).
    /// </summary>
    public static async Task<T> SingleThreadedAsync<T>(Func<Task<T>> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        using var threads = TorchThreads.Use(1);
        return await compute();
    }

    /// <summary>Mean over the rows of <paramref name="x"/> of the squared gradient of log p(y | x) for each of <paramref name="trainable"/>'s tensors.</summary>
    private static NamedTensors SquaredGradients(NamedTensors trainable, Tensor x, Tensor y, Func<Func<string, Tensor>, Tensor, Tensor> logitsOf)
    {
        var parameters = trainable.Entries.ToDictionary(e => e.Name, e => e.Value.detach().clone().requires_grad_(true), StringComparer.Ordinal);
        var sums = trainable.Entries.ToDictionary(e => e.Name, e => zeros_like(e.Value), StringComparer.Ordinal);
        try
        {
            var n = x.shape[0];
            for (var s = 0L; s < n; s++)
            {
                // One backward pass per sample: each is progress of a statistics unit (the worker's stall rule).
                UnitProgress.Beat();
                using var scope = NewDisposeScope();
                foreach (var p in parameters.Values)
                {
                    p.grad?.zero_();
                }

                var logits = logitsOf(name => parameters[name], x[s].unsqueeze(0));
                var logLikelihood = nn.functional.log_softmax(logits, 1)[0, y[s]];
                logLikelihood.backward();
                using var noGrad = no_grad();
                foreach (var (name, p) in parameters)
                {
                    sums[name].add_(p.grad!.square());
                }
            }

            var fishers = new NamedTensors();
            foreach (var (name, sum) in sums)
            {
                fishers.Add(name, sum.div(n));
            }

            return fishers;
        }
        finally
        {
            foreach (var t in parameters.Values.Concat(sums.Values))
            {
                t.Dispose();
            }
        }
    }

    /// <summary>A SHA-256 over the samples' pixels and labels: the dataset part of a statistics file's key.</summary>
    public static string DatasetHash(ImageDataset data, int samples)
    {
        var count = Math.Min(samples, data.TrainCount);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(BitConverter.GetBytes(count));
        sha.AppendData(data.Pixels[..(count * data.SampleSize)]);
        sha.AppendData(data.Labels[..count]);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private (Tensor X, Tensor Y) Inputs(DataAwareModel model) => Inputs(model.Data, Samples);

    /// <summary>The first <paramref name="samples"/> training samples (all when fewer): what statistics are computed on.</summary>
    public static (Tensor X, Tensor Y) Inputs(ImageDataset data, int samples)
    {
        ArgumentNullException.ThrowIfNull(data);
        var indices = data.Indices(DatasetSplit.Train).Take(samples).ToArray();
        return (MultiTaskNetwork.Inputs(data, indices), MultiTaskNetwork.Labels(data, indices));
    }

    private NamedTensors GetOrCompute(string kind, DataAwareModel model, Func<NamedTensors> compute)
    {
        var path = Path.Combine(Folder, $"{kind}-{model.Fingerprint[..16]}-{DatasetHash(model.Data, Samples)[..16]}.safetensors");
        if (File.Exists(path))
        {
            Reused++;
            return NamedTensors.Load(path);
        }

        var clock = Stopwatch.StartNew();
        var result = SingleThreaded(compute);

        ComputeTime += clock.Elapsed;
        Computed++;
        result.Save(path, new Dictionary<string, string> { ["kind"] = kind, ["model"] = model.Name, ["samples"] = Samples.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return result;
    }
}
