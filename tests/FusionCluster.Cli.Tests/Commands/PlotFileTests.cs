using FusionCluster.Cli.Commands;
using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

public sealed class PlotFileTests
{
    [Fact]
    public void A_file_already_there_is_refused_without_overwrite_and_kept()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("path.png");
        File.WriteAllText(path, "keep");

        var error = Assert.Throws<FormatException>(() => PlotFile.Open(new FileInfo(path), overwrite: false, [], []));

        Assert.Equal($"--plot {path} already exists; add --overwrite to replace it", error.Message);
        Assert.Equal("keep", File.ReadAllText(path));
    }

    [Fact]
    public void A_path_in_a_model_folder_or_on_the_samples_file_is_refused_even_with_overwrite()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("m2"));
        File.WriteAllText(temp.Combine("digits.fcds"), "samples");

        var inModel = Assert.Throws<FormatException>(() => PlotFile.Open(new FileInfo(temp.Combine("m2", "model.safetensors")), overwrite: true, [temp.Combine("m1"), temp.Combine("m2")], []));
        var onSamples = Assert.Throws<FormatException>(() => PlotFile.Open(new FileInfo(temp.Combine("digits.fcds")), overwrite: true, [temp.Combine("m1")], [temp.Combine("digits.fcds")]));
        var folder = Assert.Throws<FormatException>(() => PlotFile.Open(new FileInfo(temp.Combine("m2")), overwrite: true, [], []));

        Assert.Contains($"inside the model folder {temp.Combine("m2")}", inModel.Message, StringComparison.Ordinal);
        Assert.Contains("the file this command reads its samples from", onSamples.Message, StringComparison.Ordinal);
        Assert.Contains("a folder; give the PNG file's name", folder.Message, StringComparison.Ordinal);
        // A folder whose name starts like a model's is not inside it.
        Assert.NotNull(PlotFile.Open(new FileInfo(temp.Combine("m2-plots", "path.png")), overwrite: false, [temp.Combine("m2")], []));
    }

    [Fact]
    public void Writing_replaces_the_file_whole_and_leaves_nothing_beside_it()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("plots", "path.png");
        Directory.CreateDirectory(temp.Combine("plots"));
        File.WriteAllText(path, "an older plot, longer than the new one");

        PlotFile.Open(new FileInfo(path), overwrite: true, [], [])!.Write([1, 2, 3]);

        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(temp.Combine("plots")));
    }
}
