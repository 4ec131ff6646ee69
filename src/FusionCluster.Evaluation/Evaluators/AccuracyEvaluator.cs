using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Training;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// Classifier accuracy on a labelled dataset split, with TorchSharp inference on the CPU. Metrics:
/// <c>accuracy</c>, <c>cross_entropy</c> (mean, natural log), <c>samples</c>, and <c>accuracy/class_&lt;k&gt;</c>
/// for every class that has samples in the split. With <c>roots</c> the checkpoint is opened only inside them
/// (<see cref="LocalRoots"/>, symlinks resolved), as silos and <c>fusion eval --data-root</c> require. An ensemble
/// folder (<see cref="EnsembleManifest"/>) is evaluated as its rule combines its members; under <c>vote</c>, which gives
/// no probabilities, there is no <c>cross_entropy</c>.
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

        ClassifierNetwork? network = null;
        ClassifierEnsemble? ensemble = null;
        try
        {
            if (EnsembleManifest.IsEnsemble(checkpointFolder))
            {
                ensemble = ClassifierEnsemble.Load(EnsembleManifest.Read(checkpointFolder), roots);
            }
            else
            {
                network = ClassifierCheckpoint.Load(checkpointFolder, roots);
                network.eval();
            }

            var config = ensemble?.Config ?? network!.Config;
            if (config.Channels != dataset.Channels || config.Height != dataset.Height || config.Width != dataset.Width || config.NumLabels < dataset.ClassCount)
            {
                throw new EvaluationException($"{checkpointFolder}: the model takes {config.Channels}x{config.Height}x{config.Width} images into {config.NumLabels} classes, but the dataset has {dataset.ClassCount} classes of {dataset.Channels}x{dataset.Height}x{dataset.Width}");
            }

            return Measure(indices, inputs =>
            {
                if (ensemble is not null)
                {
                    return ensemble.Score(inputs);
                }

                var logits = network!.call(inputs);
                return (logits.argmax(1), logits.log_softmax(1));
            }, cancellationToken);
        }
        finally
        {
            network?.Dispose();
            ensemble?.Dispose();
        }
    }

    /// <param name="score">Predicted classes and log-probabilities (null when the model gives none) of a batch.</param>
    private IReadOnlyDictionary<string, double> Measure(int[] indices, Func<Tensor, (Tensor Predicted, Tensor? LogProbabilities)> score, CancellationToken cancellationToken)
    {
        var correctByClass = new long[dataset.ClassCount];
        var totalByClass = new long[dataset.ClassCount];
        double lossSum = 0;
        var hasLoss = true;
        using (no_grad())
        {
            for (var start = 0; start < indices.Length; start += BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var batch = indices.AsSpan(start, Math.Min(BatchSize, indices.Length - start)).ToArray();
                var labels = batch.Select(i => (long)dataset.Label(i)).ToArray();
                var (predictedClasses, logProbabilities) = score(ClassifierTrainer.ToInputs(dataset, batch));
                var targets = tensor(labels);
                if (logProbabilities is null)
                {
                    hasLoss = false;
                }
                else
                {
                    lossSum += nn.functional.nll_loss(logProbabilities, targets, reduction: nn.Reduction.Sum).item<float>();
                }

                var predicted = predictedClasses.data<long>().ToArray();
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

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal) { [EvaluatorMetricNames.Accuracy] = (double)correctByClass.Sum() / indices.Length };
        if (hasLoss)
        {
            metrics[EvaluatorMetricNames.CrossEntropy] = lossSum / indices.Length;
        }

        metrics[EvaluatorMetricNames.Samples] = indices.Length;
        for (var k = 0; k < dataset.ClassCount; k++)
        {
            if (totalByClass[k] > 0)
            {
                metrics[EvaluatorMetricNames.ClassAccuracy(k)] = (double)correctByClass[k] / totalByClass[k];
            }
        }

        return metrics;
    }
}
