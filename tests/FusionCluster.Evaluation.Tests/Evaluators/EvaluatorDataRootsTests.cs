using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Tests.Support;

namespace FusionCluster.Evaluation.Tests.Evaluators;

/// <summary>
/// Evaluators open checkpoints through the data roots, like merges do: a model folder inside the roots whose
/// weight file is a symlink to a model outside them is refused, naming the file, and nothing of the target is read.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class EvaluatorDataRootsTests
{
    [Fact]
    public void Tensor_metrics_refuse_a_reference_whose_weight_file_links_outside_the_roots()
    {
        using var temp = new TempDirectory();
        var roots = new LocalRoots([temp.Combine("data")]);
        var model = TinyCheckpoint.Tensors(temp.Combine("data", "merged"), ("w", [2], [3, 4]));
        var outside = TinyCheckpoint.Tensors(temp.Combine("secret"), ("w", [2], [1, 2]));
        var linked = LinkedModel(temp.Combine("data", "linked"), outside);

        var evaluator = new TensorMetricsEvaluator([new ReferenceModel("linked", linked)], roots: roots);
        var error = Assert.Throws<StorageException>(() => evaluator.Evaluate(model, TestContext.Current.CancellationToken));

        Assert.Contains(Path.Combine(linked, "model.safetensors"), error.Message, StringComparison.Ordinal);
        Assert.Contains("outside the configured data roots", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tensor_metrics_refuse_a_base_folder_outside_the_roots_and_accept_models_inside()
    {
        using var temp = new TempDirectory();
        var roots = new LocalRoots([temp.Combine("data")]);
        var model = TinyCheckpoint.Tensors(temp.Combine("data", "merged"), ("w", [2], [3, 4]));
        var inside = TinyCheckpoint.Tensors(temp.Combine("data", "ft"), ("w", [2], [0, 4]));
        var outside = TinyCheckpoint.Tensors(temp.Combine("elsewhere"), ("w", [2], [1, 2]));

        // Inside the roots: |[3, 4] - [0, 4]| = 3.
        Assert.Equal(3, new TensorMetricsEvaluator([new ReferenceModel("ft", inside)], roots: roots).Evaluate(model, TestContext.Current.CancellationToken)["l2_distance/ft"], 12);
        var error = Assert.Throws<StorageException>(() => new TensorMetricsEvaluator([], outside, roots).Evaluate(model, TestContext.Current.CancellationToken));
        Assert.Contains(outside, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_classifier_whose_weight_file_links_outside_the_roots_is_not_loaded()
    {
        using var temp = new TempDirectory();
        var outside = TinyCheckpoint.LinearClassifier(temp.Combine("secret"), channels: 1, height: 2, width: 2, labels: 2, weight: [1, 2, 3, 4, 5, 6, 7, 8], bias: [0, 1]);

        var linked = LinkedModel(temp.Combine("data", "linked"), outside);
        File.Copy(Path.Combine(outside, "config.json"), Path.Combine(linked, "config.json"));

        var error = Assert.Throws<StorageException>(() => ClassifierCheckpoint.Load(linked, new LocalRoots([temp.Combine("data")])).Dispose());

        Assert.Contains(Path.Combine(linked, "model.safetensors"), error.Message, StringComparison.Ordinal);
        // Without roots (fusion eval without --data-root) the same folder loads: the link is the user's choice.
        ClassifierCheckpoint.Load(linked).Dispose();
    }

    /// <summary>A model folder holding only a link to <paramref name="target"/>'s weight file.</summary>
    private static string LinkedModel(string folder, string target)
    {
        Directory.CreateDirectory(folder);
        File.CreateSymbolicLink(Path.Combine(folder, "model.safetensors"), Path.Combine(target, "model.safetensors"));
        return folder;
    }
}
