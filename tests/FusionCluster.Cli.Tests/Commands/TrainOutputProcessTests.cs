using FusionCluster.Cli.Tests.Support;
using FusionCluster.TestSupport;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>`fusion train` as a real child process writes into a folder holding a user's files only when told to.</summary>
public sealed class TrainOutputProcessTests
{
    private static readonly string[] TinyLlama =
        ["train", "--arch", "llama", "--text", "/usr/share/common-licenses/GPL-3", "--layers", "1", "--hidden", "16", "--heads", "2", "--kv-heads", "1", "--ffn", "32", "--context", "16", "--steps", "1"];

    [Fact]
    public async Task A_folder_with_a_users_config_is_refused_and_left_as_it_was_unless_overwrite()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("mine");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "config.json"), "{\"my\": \"config\"}");

        var (exitCode, _, stderr) = await FusionProcess.RunAsync([.. TinyLlama, "--out", output]);

        // Only a model.safetensors there was refused: the user's config.json was replaced by the trained model's.
        Assert.Equal(1, exitCode);
        Assert.Contains($"fusion: error: {output}: is not empty (use --overwrite to write into it)", stderr, StringComparison.Ordinal);
        Assert.Equal(["config.json"], Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName));
        Assert.Equal("{\"my\": \"config\"}", File.ReadAllText(Path.Combine(output, "config.json")));

        var overwritten = await FusionProcess.RunAsync([.. TinyLlama, "--out", output, "--overwrite"]);

        Assert.True(overwritten.ExitCode == 0, overwritten.Stderr);
        Assert.True(File.Exists(Path.Combine(output, "model.safetensors")));
    }
}
