using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Training;

/// <summary>
/// Trains a small classifier on the training split of an <see cref="ImageDataset"/>, from scratch or by
/// fine-tuning a checkpoint. Deterministic: weights and data order come from one seeded
/// <see cref="DeterministicRandom"/> (never torch's global generator), batches are taken in that order,
/// and torch runs on a fixed number of threads, so the same seed gives a byte-identical model.safetensors.
/// </summary>
public static class ClassifierTrainer
{
    /// <summary>Written beside the weights: how the checkpoint was made (not read by anything).</summary>
    public const string ProvenanceFileName = "fusion-training.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Trains as <paramref name="options"/> say and saves the checkpoint into <paramref name="outputFolder"/>; with
    /// <paramref name="roots"/> the base checkpoint is read only from inside them.
    /// </summary>
    public static TrainingSummary TrainAndSave(ImageDataset dataset, TrainingOptions options, string outputFolder, CancellationToken cancellationToken = default, LocalRoots? roots = null)
    {
        using var network = Train(dataset, options, out var summary, cancellationToken, roots);
        ClassifierCheckpoint.Save(outputFolder, network);
        var provenance = new JsonObject
        {
            ["base_checkpoint"] = options.BaseCheckpoint is null ? null : Path.GetFullPath(options.BaseCheckpoint),
            ["classes"] = options.Classes is null ? null : new JsonArray(options.Classes.Select(c => (JsonNode)c).ToArray()),
            ["seed"] = options.Seed,
            ["epochs"] = options.Epochs,
            ["batch_size"] = options.BatchSize,
            ["learning_rate"] = options.LearningRate,
            ["optimizer"] = options.Optimizer.ToString().ToLowerInvariant(),
            ["max_samples"] = options.MaxSamples,
            ["threads"] = options.Threads,
            ["samples"] = summary.Samples,
            ["steps"] = summary.Steps,
            ["final_epoch_loss"] = summary.FinalEpochLoss,
        };
        File.WriteAllText(Path.Combine(outputFolder, ProvenanceFileName), provenance.ToJsonString(Indented) + "\n");
        return summary;
    }

    /// <summary>Trains and returns the network (dispose it). The dataset must have the input shape of the model.</summary>
    public static ClassifierNetwork Train(ImageDataset dataset, TrainingOptions options, out TrainingSummary summary, CancellationToken cancellationToken = default, LocalRoots? roots = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var random = new DeterministicRandom(options.Seed);
        var network = options.BaseCheckpoint is { } baseFolder
            ? ClassifierCheckpoint.Load(baseFolder, roots)
            : CreateInitialized(ConfigFor(dataset, options), random);
        try
        {
            CheckShape(dataset, network.Config);
            summary = Fit(network, dataset, options, random, cancellationToken);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A network with torch's default initialisation for linear and convolution layers, uniform in
    /// ±1/sqrt(fan_in) for weights and biases alike, drawn from <paramref name="random"/> in tensor order.
    /// </summary>
    public static ClassifierNetwork CreateInitialized(ClassifierConfig config, DeterministicRandom random)
    {
        var network = new ClassifierNetwork(config);
        var parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        using var noGrad = no_grad();
        var fanIn = 0L;
        foreach (var (name, shape) in config.TensorShapes())
        {
            if (name.EndsWith(".weight", StringComparison.Ordinal))
            {
                fanIn = shape.Skip(1).Aggregate(1L, (a, b) => a * b);
            }

            var bound = 1.0 / Math.Sqrt(fanIn);
            var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)(((2 * random.NextDouble()) - 1) * bound);
            }

            using var initial = tensor(values, shape);
            parameters[name].copy_(initial);
        }

        return network;
    }

    private static ClassifierConfig ConfigFor(ImageDataset dataset, TrainingOptions options)
    {
        var most = ClassifierConfig.MaxConvolutions(dataset.Height, dataset.Width);
        if (options.Architecture == ClassifierArchitecture.Cnn && options.ConvChannels.Count > most)
        {
            // libtorch failed mid-forward with an empty feature map.
            throw new ArgumentException($"--conv {string.Join(',', options.ConvChannels)}: {options.ConvChannels.Count} convolutions, each followed by a 2x2 pooling, leave nothing of a {dataset.Height}x{dataset.Width} image; give at most {most}");
        }

        return NewConfig(dataset, options);
    }

    private static ClassifierConfig NewConfig(ImageDataset dataset, TrainingOptions options) => new()
    {
        Architecture = options.Architecture,
        Channels = dataset.Channels,
        Height = dataset.Height,
        Width = dataset.Width,
        ConvChannels = options.Architecture == ClassifierArchitecture.Cnn ? options.ConvChannels : [],
        HiddenSizes = options.HiddenSizes,
        NumLabels = dataset.ClassCount,
    };

    private static void CheckShape(ImageDataset dataset, ClassifierConfig config)
    {
        if (dataset.Channels != config.Channels || dataset.Height != config.Height || dataset.Width != config.Width || dataset.ClassCount > config.NumLabels)
        {
            throw new ArgumentException($"the dataset has {dataset.ClassCount} classes of {dataset.Channels}x{dataset.Height}x{dataset.Width} images, but the model takes {config.Channels}x{config.Height}x{config.Width} and has {config.NumLabels} outputs");
        }
    }

    private static TrainingSummary Fit(ClassifierNetwork network, ImageDataset dataset, TrainingOptions options, DeterministicRandom random, CancellationToken cancellationToken)
    {
        var indices = dataset.Indices(DatasetSplit.Train, options.Classes);
        if (indices.Length == 0)
        {
            throw new ArgumentException($"the training split has no samples{(options.Classes is null ? "" : $" of classes {string.Join(",", options.Classes)}")}");
        }

        if (options.MaxSamples is { } cap && cap < indices.Length)
        {
            random.Shuffle(indices);
            indices = indices[..cap];
        }

        var stopwatch = Stopwatch.StartNew();
        using (TorchThreads.Use(options.Threads))
        {
            using var inputs = ToInputs(dataset, indices);
            using var targets = tensor(indices.Select(i => (long)dataset.Label(i)).ToArray());
            network.train();
            using var optimizer = options.Optimizer == TrainingOptimizer.Adam
                ? (IParameterOptimizer)new AdamOptimizer(network.parameters(), options.LearningRate)
                : new MomentumSgdOptimizer(network.parameters(), options.LearningRate, options.Momentum);

            var order = Enumerable.Range(0, indices.Length).Select(i => (long)i).ToArray();
            var steps = 0;
            double lossSum = 0;
            long correct = 0;
            var batches = 0;
            for (var epoch = 0; epoch < options.Epochs; epoch++)
            {
                random.Shuffle(order);
                lossSum = 0;
                correct = 0;
                batches = 0;
                for (var start = 0; start < order.Length; start += options.BatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var batch = tensor(order.AsSpan(start, Math.Min(options.BatchSize, order.Length - start)).ToArray());
                    var x = inputs.index_select(0, batch);
                    var y = targets.index_select(0, batch);
                    optimizer.ZeroGrad();
                    var logits = network.call(x);
                    var loss = nn.functional.cross_entropy(logits, y);
                    loss.backward();
                    optimizer.Step();
                    var batchLoss = loss.item<float>();
                    if (!float.IsFinite(batchLoss))
                    {
                        throw new TrainingDivergedException($"training diverged: the loss was {batchLoss} at epoch {epoch + 1}, step {steps + 1}; try a learning rate below {options.LearningRate}");
                    }

                    lossSum += batchLoss;
                    correct += logits.argmax(1).eq(y).sum().item<long>();
                    batches++;
                    steps++;
                }
            }

            network.eval();
            return new TrainingSummary(indices.Length, options.Epochs, steps, lossSum / batches, (double)correct / indices.Length, stopwatch.Elapsed.TotalSeconds);
        }
    }

    /// <summary>The chosen samples as a float tensor [n, pixels] of pixel / 255, the model's input convention.</summary>
    internal static Tensor ToInputs(ImageDataset dataset, IReadOnlyList<int> indices)
    {
        var size = dataset.SampleSize;
        var values = new float[(long)indices.Count * size];
        for (var s = 0; s < indices.Count; s++)
        {
            var image = dataset.Image(indices[s]);
            var row = values.AsSpan(s * size, size);
            for (var p = 0; p < size; p++)
            {
                row[p] = image[p] / 255f;
            }
        }

        return tensor(values, [indices.Count, size]);
    }
}
