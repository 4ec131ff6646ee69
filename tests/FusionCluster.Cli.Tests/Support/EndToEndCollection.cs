namespace FusionCluster.Cli.Tests.Support;

/// <summary>End-to-end tests share the synthetic models and run one at a time (each starts its own silo).</summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<SyntheticModels>
{
    public const string Name = "end-to-end";
}
