using System.Text.Json;

namespace FusionCluster.Dashboard.Tests.Hosting;

/// <summary>
/// The dashboard is a client: it ships the grain contracts and an Orleans client, never the grain
/// implementation, an Orleans server or TorchSharp. This test project's dependency closure is the
/// dashboard's plus test packages, so an edge that comes back shows up in its deps.json.
/// </summary>
public sealed class DashboardDependencyTests
{
    [Theory]
    [InlineData("FusionCluster.Grains")]
    [InlineData("FusionCluster.Hosting")]
    [InlineData("FusionCluster.Methods.Torch")]
    [InlineData("FusionCluster.Evaluation")]
    [InlineData("Microsoft.Orleans.Server")]
    [InlineData("Microsoft.Orleans.Runtime")]
    [InlineData("TorchSharp")]
    [InlineData("TorchSharp-cpu")]
    public void The_dashboard_does_not_depend_on(string library)
    {
        var libraries = DependencyLibraries();
        Assert.Contains("FusionCluster.Client", libraries);
        Assert.DoesNotContain(library, libraries);
    }

    private static HashSet<string> DependencyLibraries()
    {
        var depsFile = Path.Combine(AppContext.BaseDirectory, "FusionCluster.Dashboard.Tests.deps.json");
        using var deps = JsonDocument.Parse(File.ReadAllText(depsFile));
        // Keys are "Name/Version".
        return deps.RootElement.GetProperty("libraries").EnumerateObject()
            .Select(library => library.Name[..library.Name.IndexOf('/', StringComparison.Ordinal)])
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }
}
