using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>Counts given on the command line must be positive: <c>--parallel -5</c> used to reach the silo as a slot count.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class CountOptionProcessTests
{
    [Theory]
    [InlineData("merge", "--parallel", "-5")]
    [InlineData("merge", "--parallel", "0")]
    [InlineData("sweep", "--parallel", "-1")]
    [InlineData("train", "--epochs", "0")]
    [InlineData("train", "--batch-size", "-64")]
    public async Task A_non_positive_count_is_refused_before_anything_runs(string verb, string option, string value)
    {
        using var temp = new TempDirectory();
        var spec = temp.Combine("spec.yaml");
        await File.WriteAllTextAsync(spec, "merge_method: linear\nmodels: [{model: a}]\n", TestContext.Current.CancellationToken);
        string[] arguments = verb switch
        {
            "merge" => ["merge", spec, "--out", temp.Combine("out"), option, value],
            "sweep" => ["sweep", "run", spec, option, value],
            _ => ["train", "--dataset", temp.Combine("none.fcds"), "--out", temp.Combine("out"), option, value],
        };

        var (exitCode, _, stderr) = await FusionProcess.RunAsync(arguments);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"{option} {value}: expected a positive whole number", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }
}
