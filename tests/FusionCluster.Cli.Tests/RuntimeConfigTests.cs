using System.Text.Json.Nodes;
using FusionCluster.Cli.Commands;

namespace FusionCluster.Cli.Tests;

/// <summary>
/// fusion runs merge kernels (long loops called a few times per tensor) fully optimised from their first
/// call: at tier 0 the random methods spent up to a third of a merge in unoptimised loops.
/// </summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public void Fusion_compiles_methods_with_loops_fully_optimised_from_the_first_call()
    {
        var path = Path.ChangeExtension(typeof(MergeCommand).Assembly.Location, ".runtimeconfig.json");
        var properties = JsonNode.Parse(File.ReadAllText(path))!["runtimeOptions"]!["configProperties"]!;

        Assert.False(properties["System.Runtime.TieredCompilation.QuickJitForLoops"]!.GetValue<bool>());
    }
}
