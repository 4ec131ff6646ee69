namespace FusionCluster.Evaluation.Tests.Training;

/// <summary>Tests that set libtorch's thread count run alone: it is one setting for the whole test process.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchThreadsCollection
{
    public const string Name = "torch threads";
}
