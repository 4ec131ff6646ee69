using FusionCluster.Core.Planning;

namespace FusionCluster.Grains.Jobs.Planning;

/// <summary>A plan of empty units and no output: runs the whole dispatch path with no merge work, to measure it.</summary>
public static class DispatchProbe
{
    public static MergePlan Plan(int units) => new()
    {
        Method = "passthrough",
        ModelPaths = new Dictionary<string, string>(),
        Shards = [],
        Units = Enumerable.Range(0, units).Select(i => new WorkUnit { Index = i, Name = $"probe {i}", Tensors = [] }).ToList(),
    };
}
