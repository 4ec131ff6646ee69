namespace FusionCluster.Evaluation.Tests.Support;

/// <summary>
/// Tests that train or run torch share the converted MNIST data and run one at a time: training sets
/// torch's process-wide thread count, and two trainings at once would also just split two cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TorchCollection : ICollectionFixture<MnistData>
{
    public const string Name = "torch";
}
