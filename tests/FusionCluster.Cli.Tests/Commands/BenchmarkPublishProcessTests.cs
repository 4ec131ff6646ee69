using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>
/// fusion benchmark multitask --publish refuses a location that already holds a result (without --overwrite) before
/// it trains anything: --mnist names a folder that does not exist, so an error about it would mean the check came too late.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BenchmarkPublishProcessTests
{
    [Fact]
    public async Task A_location_holding_a_published_result_is_refused_before_the_benchmark_starts()
    {
        using var temp = new TempDirectory();
        var published = temp.Combine("results", "run-1");
        Directory.CreateDirectory(published);
        File.WriteAllText(Path.Combine(published, "multitask.json"), "{}");
        File.WriteAllText(Path.Combine(published, "fusion-manifest.json"), "{\"format\":\"fusioncluster-merge/1\",\"files\":[{\"name\":\"multitask.json\",\"bytes\":2}]}");

        var (exitCode, stdout, stderr) = await FusionProcess.RunAsync("benchmark", "multitask", "--small", "--mnist", temp.Combine("no-mnist"), "--out", temp.Combine("work"), "--publish", published);

        Assert.True(exitCode != 0, stdout);
        Assert.Contains($"--publish {published} already holds a published result; add --overwrite to replace it", stderr, StringComparison.Ordinal);
        Assert.Equal("{}", File.ReadAllText(Path.Combine(published, "multitask.json")));
        Assert.False(Directory.Exists(temp.Combine("work")));
    }
}
