using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>
/// fusion connect --publish refuses what it would refuse at the end before it evaluates anything (paths take
/// minutes): a location that already holds a result (without --overwrite) and a folder of someone else's files.
/// The models given do not exist, so an error about them would mean the check came too late.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ConnectPublishProcessTests
{
    [Fact]
    public async Task A_location_holding_a_published_result_is_refused_before_the_models_are_read()
    {
        using var temp = new TempDirectory();
        var published = temp.Combine("results", "mlp");
        Directory.CreateDirectory(published);
        File.WriteAllText(Path.Combine(published, "connect.json"), "{}");
        File.WriteAllText(Path.Combine(published, "fusion-manifest.json"), "{\"format\":\"fusioncluster-merge/1\",\"files\":[{\"name\":\"connect.json\",\"bytes\":2}]}");

        var (exitCode, stdout, stderr) = await FusionProcess.RunAsync("connect", temp.Combine("no-a"), temp.Combine("no-b"), "--dataset", temp.Combine("no.fcds"), "--publish", published);

        Assert.True(exitCode != 0, stdout);
        Assert.Contains($"--publish {published} already holds a published result; add --overwrite to replace it", stderr, StringComparison.Ordinal);
        Assert.Equal("{}", File.ReadAllText(Path.Combine(published, "connect.json")));
    }

    [Fact]
    public async Task A_method_listed_twice_is_refused()
    {
        using var temp = new TempDirectory();

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("connect", temp.Combine("no-a"), temp.Combine("no-b"), "--dataset", temp.Combine("no.fcds"), "--align", "none,weight_matching,none");

        Assert.True(exitCode != 0);
        Assert.Contains("--align none,weight_matching,none: a method is listed twice", stderr, StringComparison.Ordinal);
    }
}
