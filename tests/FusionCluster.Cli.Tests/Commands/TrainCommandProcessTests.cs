using FusionCluster.Cli.Tests.Support;
using FusionCluster.TestSupport;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>
/// `fusion train` as a real child process: it writes into a folder holding a user's files only when told to, and refuses
/// an option of the other kind of model rather than train as if it were not given.
/// </summary>
public sealed class TrainCommandProcessTests
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

    [Theory]
    [InlineData("--optimizer|sgd", "--optimizer is for --arch mlp or cnn, not llama")]
    [InlineData("--epochs|3", "--epochs is for --arch mlp or cnn, not llama")]
    public async Task A_classifiers_option_given_to_a_llama_is_refused(string option, string expected)
    {
        using var temp = new TempDirectory();

        var (exitCode, _, stderr) = await FusionProcess.RunAsync([.. TinyLlama, "--out", temp.Combine("lm"), .. option.Split('|')]);

        Assert.Equal(1, exitCode);
        Assert.Equal($"fusion: error: {expected}", stderr.Trim());
        Assert.False(Directory.Exists(temp.Combine("lm")));
    }

    [Fact]
    public async Task A_llamas_option_given_to_an_mlp_is_refused()
    {
        using var temp = new TempDirectory();

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("train", "--dataset", temp.Combine("digits.fcds"), "--out", temp.Combine("mlp"), "--steps", "5");

        Assert.Equal(1, exitCode);
        Assert.Equal("fusion: error: --steps is for --arch llama, not mlp", stderr.Trim());
    }
}
