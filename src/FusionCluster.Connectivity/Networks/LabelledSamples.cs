using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Training;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.Networks;

/// <summary>Samples of a dataset split as tensors: inputs [N, pixels] (pixel / 255) and labels [N] (int64).</summary>
public sealed class LabelledSamples : IDisposable
{
    private LabelledSamples(Tensor inputs, Tensor labels)
    {
        Inputs = inputs;
        Labels = labels;
    }

    public Tensor Inputs { get; }

    public Tensor Labels { get; }

    public long Count => Labels.shape[0];

    /// <summary>
    /// The split's samples; with <paramref name="maxSamples"/>, that many drawn by <paramref name="seed"/> (files
    /// are often sorted by class, so taking the first N would not do).
    /// </summary>
    public static LabelledSamples From(ImageDataset dataset, DatasetSplit split, int? maxSamples = null, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var indices = dataset.Indices(split);
        if (indices.Length == 0)
        {
            throw new ArgumentException($"the {split} split of the dataset is empty");
        }

        if (maxSamples is { } cap && cap < indices.Length)
        {
            new DeterministicRandom(seed).Shuffle(indices);
            indices = indices[..cap];
            Array.Sort(indices);
        }

        return new LabelledSamples(ClassifierTrainer.ToInputs(dataset, indices), tensor(indices.Select(i => (long)dataset.Label(i)).ToArray()));
    }

    /// <summary>Fails, naming the model, unless it takes these images and has an output for every label.</summary>
    public static void CheckFits(ImageDataset dataset, ClassifierConfig config, string model)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(config);
        if (config.Channels != dataset.Channels || config.Height != dataset.Height || config.Width != dataset.Width || config.NumLabels < dataset.ClassCount)
        {
            throw new ArgumentException($"{model}: the model takes {config.Channels}x{config.Height}x{config.Width} images into {config.NumLabels} classes, but the dataset has {dataset.ClassCount} classes of {dataset.Channels}x{dataset.Height}x{dataset.Width}");
        }
    }

    public void Dispose()
    {
        Inputs.Dispose();
        Labels.Dispose();
    }
}
