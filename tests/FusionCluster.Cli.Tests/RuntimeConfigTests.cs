using System.Text.Json.Nodes;
using FusionCluster.Cli.Commands;

namespace FusionCluster.Cli.Tests;

/// <summary>
/// fusion runs merge kernels (long loops called a few times per tensor) fully optimised from their first
/// call: at tier 0 the random methods spent up to a third of a merge in unoptimised loops. Published, it compiles
/// each method once: tiering re-compiled hot code on the cores a scored sweep was computing on.
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

    [Theory]
    [InlineData("linux-x64", "false")]
    [InlineData(null, "")]
    public async Task Fusion_published_for_a_runtime_does_not_recompile_at_higher_tiers(string? runtime, string tieredCompilation)
    {
        var project = Path.Combine(RepositoryRoot.Find(), "src", "FusionCluster.Cli", "FusionCluster.Cli.csproj");
        string[] arguments = runtime is null
            ? ["msbuild", project, "-getProperty:TieredCompilation"]
            : ["msbuild", project, "-getProperty:TieredCompilation", $"-p:RuntimeIdentifier={runtime}"];

        var (exitCode, output, errors) = await DotnetTool.RunHostAsync(arguments, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        Assert.True(exitCode == 0, $"dotnet msbuild exited {exitCode}: {errors}");
        Assert.Equal(tieredCompilation, output.Trim());
    }

    [Theory]
    [InlineData("linux-x64", "true")]
    [InlineData(null, "false")]
    public async Task Fusion_published_for_a_runtime_is_compiled_with_its_runtime_into_one_image(string? runtime, string composite)
    {
        // The framework's generics over fusion's types are only compiled ahead of time when the framework ships with fusion.
        var project = Path.Combine(RepositoryRoot.Find(), "src", "FusionCluster.Cli", "FusionCluster.Cli.csproj");
        string[] arguments = ["msbuild", project, "-getProperty:SelfContained", "-getProperty:PublishReadyToRunComposite", .. runtime is null ? Array.Empty<string>() : [$"-p:RuntimeIdentifier={runtime}"]];

        var (exitCode, output, errors) = await DotnetTool.RunHostAsync(arguments, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        Assert.True(exitCode == 0, $"dotnet msbuild exited {exitCode}: {errors}");
        var properties = JsonNode.Parse(output)!["Properties"]!;
        Assert.Equal((composite, composite), (properties["SelfContained"]!.GetValue<string>(), properties["PublishReadyToRunComposite"]!.GetValue<string>()));
    }
}
