namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>Measurements run alone: other tests sharing the two cores would distort the figures.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasurementCollection
{
    public const string Name = "measurements";
}
