namespace FusionCluster.Grains.Tests;

/// <summary>Test classes in this collection share one <see cref="OneWorkerSilo"/>.</summary>
[CollectionDefinition(Name)]
public sealed class OneWorkerSiloCollection : ICollectionFixture<OneWorkerSilo>
{
    public const string Name = "one worker silo";
}
