using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>`fusion eval` with an evaluator that reports nothing.</summary>
public sealed class EvalCommandProcessTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_command_that_reports_no_metrics_is_one_error_line(bool json)
    {
        using var temp = new TempDirectory();
        string[] arguments = ["eval", temp.Path, "--command", "M={model}; echo '{}'", .. json ? new[] { "--json" } : []];

        var (exitCode, stdout, stderr) = await FusionProcess.RunAsync(arguments);

        // Before: the table crashed on its empty column ("Sequence contains no elements"); --json printed {} with exit 0.
        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout);
        Assert.Equal("fusion: error: the evaluation reported no metrics", stderr.Trim());
    }

    [Fact]
    public async Task An_empty_command_is_one_line_naming_the_option()
    {
        using var temp = new TempDirectory();

        var (exitCode, _, stderr) = await FusionProcess.RunAsync("eval", temp.Path, "--command", " ");

        // Before: "The value cannot be an empty string or composed entirely of whitespace.", naming no option.
        Assert.Equal(1, exitCode);
        Assert.Equal("fusion: error: --command: expected a command line to run, with {model} where the model's folder goes", stderr.Trim());
    }
}
