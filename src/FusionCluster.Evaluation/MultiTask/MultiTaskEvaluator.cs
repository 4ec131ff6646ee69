using FusionCluster.Evaluation.Datasets;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.MultiTask;

/// <summary>Accuracy on a task's held-out split, through the task's own head.</summary>
public static class MultiTaskEvaluator
{
    public static double Accuracy(NamedTensors backbone, NamedTensors head, BenchmarkTask task) =>
        EnsembleAccuracy([backbone], head, task);

    /// <summary>
    /// The ensemble of several backbones on one task: each backbone's features go through the task's head,
    /// and the class with the highest mean softmax probability is the prediction.
    /// </summary>
    public static double EnsembleAccuracy(IReadOnlyList<NamedTensors> backbones, NamedTensors head, BenchmarkTask task)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var indices = task.Data.Indices(DatasetSplit.HeldOut);
        var x = MultiTaskNetwork.Inputs(task.Data, indices);
        var y = MultiTaskNetwork.Labels(task.Data, indices);
        Tensor? probabilities = null;
        foreach (var backbone in backbones)
        {
            var p = nn.functional.softmax(MultiTaskNetwork.Logits(backbone, head, x), 1);
            probabilities = probabilities is null ? p : probabilities + p;
        }

        var correct = probabilities!.argmax(1).eq(y).sum().item<long>();
        return (double)correct / indices.Length;
    }
}
