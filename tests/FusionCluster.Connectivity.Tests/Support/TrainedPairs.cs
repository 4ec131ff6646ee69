using FusionCluster.Connectivity.Networks;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Training;

namespace FusionCluster.Connectivity.Tests.Support;

/// <summary>
/// Real MNIST digits and two pairs of tiny classifiers trained on them from different seeds (so their hidden units
/// are numbered differently): MLPs 784-32-32-10 and CNNs with 4 and 8 channels. Trained once per test run, in well
/// under a second each.
/// </summary>
public sealed class TrainedPairs : IDisposable
{
    private readonly Lazy<ImageDataset> dataset = new(() => MnistPackageConverter.Convert(LocalTools.MnistPackageDirectory));
    private readonly Lazy<(ClassifierWeights A, ClassifierWeights B)> mlps;
    private readonly Lazy<(ClassifierWeights A, ClassifierWeights B)> cnns;

    public TrainedPairs()
    {
        mlps = new(() => TrainPair(new TrainingOptions { HiddenSizes = [32, 32], Epochs = 2, MaxSamples = 3000 }));
        cnns = new(() => TrainPair(new TrainingOptions { Architecture = ClassifierArchitecture.Cnn, ConvChannels = [4, 8], HiddenSizes = [16], Epochs = 2, MaxSamples = 4000, LearningRate = 3e-3 }));
    }

    public ImageDataset Dataset => dataset.Value;

    public (ClassifierWeights A, ClassifierWeights B) Mlps => mlps.Value;

    public (ClassifierWeights A, ClassifierWeights B) Cnns => cnns.Value;

    public void Dispose()
    {
        foreach (var pair in new[] { mlps, cnns }.Where(p => p.IsValueCreated))
        {
            pair.Value.A.Dispose();
            pair.Value.B.Dispose();
        }
    }

    private (ClassifierWeights, ClassifierWeights) TrainPair(TrainingOptions options)
    {
        using var a = ClassifierTrainer.Train(Dataset, options with { Seed = 1 }, out _);
        using var b = ClassifierTrainer.Train(Dataset, options with { Seed = 2 }, out _);
        return (ClassifierWeights.FromNetwork(a), ClassifierWeights.FromNetwork(b));
    }
}
