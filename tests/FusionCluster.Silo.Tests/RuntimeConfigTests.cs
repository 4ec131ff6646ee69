using System.Text.Json.Nodes;
using FusionCluster.TestSupport;

namespace FusionCluster.Silo.Tests;

/// <summary>fusion-silo, like fusion, runs merge kernels fully optimised from their first call (see the csproj).</summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public void Silos_compile_methods_with_loops_fully_optimised_from_the_first_call()
    {
        var path = Path.ChangeExtension(FusionSiloProcess.AssemblyPath, ".runtimeconfig.json");
        var properties = JsonNode.Parse(File.ReadAllText(path))!["runtimeOptions"]!["configProperties"]!;

        Assert.False(properties["System.Runtime.TieredCompilation.QuickJitForLoops"]!.GetValue<bool>());
    }
}
