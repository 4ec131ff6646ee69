using FusionCluster.Cli.Commands;
using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

public sealed class StatsJsonFileTests
{
    [Fact]
    public void A_file_that_is_not_an_earlier_stats_file_is_refused_and_kept()
    {
        using var temp = new TempDirectory();
        var weights = temp.Combine("model.safetensors");
        File.WriteAllBytes(weights, [8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d]);
        var spec = temp.Combine("spec.yaml");
        File.WriteAllText(spec, "merge_method: linear\n");

        var onWeights = Assert.Throws<FormatException>(() => StatsJsonFile.Open(new FileInfo(weights)));
        var onSpec = Assert.Throws<FormatException>(() => StatsJsonFile.Open(new FileInfo(spec)));

        Assert.Equal($"--stats-json {weights} exists and is not a stats file fusion wrote; it is left as it is: choose another path", onWeights.Message);
        Assert.Contains(spec, onSpec.Message, StringComparison.Ordinal);
        Assert.Equal([8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d], File.ReadAllBytes(weights));
        Assert.Equal("merge_method: linear\n", File.ReadAllText(spec));
    }

    [Fact]
    public void An_earlier_stats_file_is_replaced_whole()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("stats.json");
        var first = StatsJsonFile.Open(new FileInfo(path))!;
        first.Write(new { state = "Succeeded", wall_seconds = 1.5, note = new string('x', 100) });

        StatsJsonFile.Open(new FileInfo(path))!.Write(new { state = "Failed", wall_seconds = 2.0 });

        Assert.Equal("""{"state":"Failed","wall_seconds":2}""", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void A_folder_or_a_path_whose_folder_is_missing_is_refused_before_the_merge()
    {
        using var temp = new TempDirectory();

        var folder = Assert.Throws<FormatException>(() => StatsJsonFile.Open(new FileInfo(temp.Path)));
        var missing = Assert.Throws<FormatException>(() => StatsJsonFile.Open(new FileInfo(temp.Combine("no-such-folder", "stats.json"))));

        Assert.Contains("a folder; give the JSON file's name", folder.Message, StringComparison.Ordinal);
        Assert.Contains("its folder does not exist", missing.Message, StringComparison.Ordinal);
    }
}
