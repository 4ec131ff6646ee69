using System.Diagnostics;
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
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot.Find() };
        foreach (var argument in new[] { "msbuild", Path.Combine("src", "FusionCluster.Cli", "FusionCluster.Cli.csproj"), "-getProperty:TieredCompilation" })
        {
            start.ArgumentList.Add(argument);
        }

        if (runtime is not null)
        {
            start.ArgumentList.Add($"-p:RuntimeIdentifier={runtime}");
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(process.ExitCode == 0, $"dotnet msbuild exited {process.ExitCode}: {await errors}");
        Assert.Equal(tieredCompilation, (await output).Trim());
    }
}
