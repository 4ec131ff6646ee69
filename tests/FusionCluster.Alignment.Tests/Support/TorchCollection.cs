namespace FusionCluster.Alignment.Tests.Support;

/// <summary>Tests that train or run torch share the MNIST data and run one at a time (training sets torch's process-wide thread count).</summary>
[CollectionDefinition(Name)]
public sealed class TorchCollection : ICollectionFixture<MnistData>
{
    public const string Name = "torch";
}
