using System.Text.RegularExpressions;
using FusionCluster.TestSupport;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>
/// The verbs that talk to a running cluster are clients: they use the grain contracts and
/// FusionCluster.Client, never the grain implementation, the embedded silo or TorchSharp. fusion itself
/// links the embedded silo for merge, dashboard and sweep run, so this is checked in the verbs' sources.
/// </summary>
public sealed partial class ClientVerbDependencyTests
{
    [Theory]
    [InlineData("SubmitCommand.cs")]
    [InlineData("WatchCommand.cs")]
    [InlineData("StatusCommand.cs")]
    [InlineData("JobsCommand.cs")]
    [InlineData("CancelCommand.cs")]
    [InlineData("SilosCommand.cs")]
    [InlineData("ClusterOptions.cs")]
    public void A_client_verb_uses_contracts_only(string file)
    {
        var source = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "src", "FusionCluster.Cli", "Commands", file));
        var offending = ImplementationReference().Matches(source).Select(m => m.Value).Distinct().ToList();
        Assert.True(offending.Count == 0, $"{file} reaches into the implementation: {string.Join(", ", offending)}");
    }

    [GeneratedRegex(@"FusionCluster\.Grains(?!\.Abstractions)\b|FusionCluster\.Hosting|EmbeddedCluster|TorchSharp|FusionCluster\.Methods\.Torch")]
    private static partial Regex ImplementationReference();
}
