using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Formats;
using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Evaluation.MultiTask;

/// <summary>
/// What a data-aware merge job reads from the benchmark's suite: each model as a whole classifier checkpoint (its
/// backbone's layers, then its task head as the last layer: the layout a job's statistics units take, where the last
/// layer gives the logits) and each task's data as a dataset file (<see cref="ImageDatasetFile"/>: the task's
/// training samples, whose first ones the statistics use, and its held-out ones, AdaMerging's unlabelled data).
/// Derived from the suite's files, so written once per suite and kept beside them.
/// </summary>
public static class MultiTaskJobInputs
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The classifier checkpoint folder of a fine-tune (or of the pre-trained backbone) under the suite's models/.</summary>
    public static string ClassifierFolder(string models, string name) => Path.Combine(models, "classifiers", name);

    /// <summary>A task's dataset file under the suite.</summary>
    public static string DatasetPath(string suite, string task) => Path.Combine(suite, "datasets", task + ImageDatasetFile.Extension);

    /// <summary>Writes backbone + head as layers.0 .. layers.L unless the folder already holds the checkpoint.</summary>
    public static void EnsureClassifier(string folder, NamedTensors backbone, NamedTensors head, IReadOnlyList<int> hiddenSizes)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        var weights = Path.Combine(folder, CheckpointFolder.SingleFileName);
        if (File.Exists(weights))
        {
            return;
        }

        var last = MultiTaskNetwork.LayerCount(backbone);
        using var classifier = backbone.Clone();
        classifier.Add(MultiTaskNetwork.Weight(last), head[MultiTaskNetwork.HeadWeight].detach().clone());
        classifier.Add(MultiTaskNetwork.Bias(last), head[MultiTaskNetwork.HeadBias].detach().clone());
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray("FusionMultiTaskClassifier"),
            ["model_type"] = "fusion-multitask-classifier",
            ["input_size"] = 784,
            ["hidden_sizes"] = new JsonArray(hiddenSizes.Select(h => (JsonNode)h).ToArray()),
            ["num_classes"] = head[MultiTaskNetwork.HeadWeight].shape[0],
            ["torch_dtype"] = "float32",
        };
        // config.json first, weights last: a folder with weights is a finished checkpoint.
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, CheckpointFolder.ConfigFileName), config.ToJsonString(Indented) + "\n");
        classifier.Save(weights);
    }

    /// <summary>Writes the task's data unless the file is already there (it is derived from the suite's key, so it cannot differ).</summary>
    public static void EnsureDataset(string path, ImageDataset data)
    {
        if (!File.Exists(path))
        {
            ImageDatasetFile.Write(path, data);
        }
    }
}
