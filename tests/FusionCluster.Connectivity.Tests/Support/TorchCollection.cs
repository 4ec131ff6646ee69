namespace FusionCluster.Connectivity.Tests.Support;

/// <summary>Tests that train or run torch share the trained pairs and run one at a time (torch's thread count is process-wide).</summary>
[CollectionDefinition(Name)]
public sealed class TorchCollection : ICollectionFixture<TrainedPairs>
{
    public const string Name = "torch";
}
