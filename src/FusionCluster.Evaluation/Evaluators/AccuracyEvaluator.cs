using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Training;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// Classifier accuracy on a labelled dataset split, with TorchSharp inference on the CPU. Metrics:
/// <c>accuracy</c>, <c>cross_entropy</c> (mean, natural log), <c>samples</c>, and <c>accuracy/class_&lt;k&gt;</c>
/// for every class that has samples in the split. With <c>roots</c> the checkpoint is opened only inside them
/// (<see cref="LocalRoots"/>, symlinks resolved), as silos and <c>fusion eval --data-root</c> require.
/// </summary>
public sealed class AccuracyEvaluator(ImageDataset dataset, DatasetSplit split = DatasetSplit.HeldOut, IReadOnlyCollection<int>? classes = null, LocalRoots? roots = null) : IEvaluator
{
    private const int BatchSize = 1024;

    public string Name => "accuracy";

    public Task<IReadOnlyDictionary<string, double>> EvaluateAsync(string checkpointFolder, CancellationToken cancellationToken = default)
    {
        // Inference is short and CPU-bound; running it inline keeps torch on the caller's thread.
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Evaluate(checkpointFolder, cancellationToken));
    }

    public IReadOnlyDictionary<string, double> Evaluate(string checkpointFolder, CancellationToken cancellationToken = default)
    {
        var indices = dataset.Indices(split, classes);
        if (indices.Length == 0)
        {
            throw new EvaluationException($"the {split} split of the dataset has no samples{(classes is null ? "" : $" of classes {string.Join(",", classes)}")} to evaluate on");
        }

        using var network = ClassifierCheckpoint.Load(checkpointFolder, roots);
        var config = network.Config;
        if (config.Channels != dataset.Channels || config.Height != dataset.Height || config.Width != dataset.Width || config.NumLabels < dataset.ClassCount)
        {
            throw new EvaluationException($"{checkpointFolder}: the model takes {config.Channels}x{config.Height}x{config.Width} images into {config.NumLabels} classes, but the dataset has {dataset.ClassCount} classes of {dataset.Channels}x{dataset.Height}x{dataset.Width}");
        }

        network.eval();
        var correctByClass = new long[dataset.ClassCount];
        var totalByClass = new long[dataset.ClassCount];
        double lossSum = 0;
        using (no_grad())
        {
            for (var start = 0; start < indices.Length; start += BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var batch = indices.AsSpan(start, Math.Min(BatchSize, indices.Length - start)).ToArray();
                var labels = batch.Select(i => (long)dataset.Label(i)).ToArray();
                var logits = network.call(ClassifierTrainer.ToInputs(dataset, batch));
                var targets = tensor(labels);
                lossSum += nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.Sum).item<float>();
                var predicted = logits.argmax(1).data<long>().ToArray();
                for (var i = 0; i < labels.Length; i++)
                {
                    totalByClass[labels[i]]++;
                    if (predicted[i] == labels[i])
                    {
                        correctByClass[labels[i]]++;
                    }
                }
            }
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["accuracy"] = (double)correctByClass.Sum() / indices.Length,
            ["cross_entropy"] = lossSum / indices.Length,
            ["samples"] = indices.Length,
        };
        for (var k = 0; k < dataset.ClassCount; k++)
        {
            if (totalByClass[k] > 0)
            {
                metrics[$"accuracy/class_{k}"] = (double)correctByClass[k] / totalByClass[k];
            }
        }

        return metrics;
    }
}
