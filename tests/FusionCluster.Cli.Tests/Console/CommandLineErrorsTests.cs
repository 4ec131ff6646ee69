using FusionCluster.Cli.Console;
using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Console;

public sealed class CommandLineErrorsTests
{
    [Theory]
    [InlineData("Cannot parse argument '-1' for option '--seed' as expected type 'System.UInt64'.", "--seed -1: expected a whole number from 0 to 18446744073709551615")]
    [InlineData("Cannot parse argument '99999999999' for option '--fine-tunes' as expected type 'System.Int32'.", "--fine-tunes 99999999999: expected a whole number from -2147483648 to 2147483647")]
    [InlineData("Cannot parse argument 'x' for option '--lr' as expected type 'System.Double'.", "--lr x: expected a number")]
    [InlineData("Cannot parse argument 'it' for command 'synth' as expected type 'System.Guid'.", "synth it: expected a value of type System.Guid")]
    [InlineData("Option '--prompt' is required.", "Option '--prompt' is required.")]
    public void A_conversion_error_is_reworded_and_others_are_kept(string message, string expected) =>
        Assert.Equal(expected, CommandLineErrors.Reword(message));

    [Theory]
    [InlineData("synth", "--fine-tunes", "99999999999", "--fine-tunes 99999999999: expected a whole number from -2147483648 to 2147483647")]
    [InlineData("bench sweep", "--points", "x", "--points x: expected a whole number from -2147483648 to 2147483647")]
    public async Task A_bad_value_is_one_line_and_a_pointer_to_the_verbs_help(string verb, string option, string value, string expected)
    {
        using var temp = new TempDirectory();
        string[] arguments = [.. verb.Split(' '), .. verb == "synth" ? [temp.Combine("models")] : Array.Empty<string>(), option, value, .. verb == "synth" ? Array.Empty<string>() : ["--work", temp.Combine("models")]];

        var (exitCode, stdout, stderr) = await FusionProcess.RunAsync(arguments);

        // Before: "Cannot parse argument ... as expected type 'System.Int32'." and the whole help on stdout; for a count
        // option (--points), an unhandled exception from its validator.
        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout);
        Assert.Equal([$"fusion: error: {expected}", $"see 'fusion {verb} --help' for its options"], stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.False(Directory.Exists(temp.Combine("models")));
    }

    [Fact]
    public async Task A_command_group_named_alone_prints_its_help()
    {
        var (exitCode, stdout, _) = await FusionProcess.RunAsync("sweep");

        Assert.Equal(1, exitCode);
        Assert.Contains("fusion sweep [command] [options]", stdout, StringComparison.Ordinal);
    }
}
