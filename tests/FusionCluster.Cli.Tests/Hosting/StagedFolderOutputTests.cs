using FusionCluster.Cli.Hosting;

namespace FusionCluster.Cli.Tests.Hosting;

public sealed class StagedFolderOutputTests
{
    [Fact]
    public void An_unpublished_output_leaves_no_staging_and_no_folder_it_created()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");

        using (var staged = new StagedFolderOutput(output))
        {
            File.WriteAllText(Path.Combine(staged.Staging, "model.safetensors"), "partial");
        }

        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void An_unpublished_output_leaves_a_folder_that_was_there_as_it_was()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "config.json"), "old");

        using (var staged = new StagedFolderOutput(output))
        {
            File.WriteAllText(Path.Combine(staged.Staging, "config.json"), "new");
        }

        Assert.Equal(["config.json"], Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName));
        Assert.Equal("old", File.ReadAllText(Path.Combine(output, "config.json")));
    }

    [Fact]
    public void Publishing_moves_every_file_in_and_removes_the_staging_and_a_killed_runs_leftover()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");
        Directory.CreateDirectory(Path.Combine(output, StagedFolderOutput.StagingFolderName, "killed-run"));

        using (var staged = new StagedFolderOutput(output))
        {
            File.WriteAllText(Path.Combine(staged.Staging, "config.json"), "{}");
            File.WriteAllText(Path.Combine(staged.Staging, "model.safetensors"), "weights");
            staged.Publish(last: "config.json");
        }

        Assert.Equal(["config.json", "model.safetensors"], Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("weights", File.ReadAllText(Path.Combine(output, "model.safetensors")));
    }
}
