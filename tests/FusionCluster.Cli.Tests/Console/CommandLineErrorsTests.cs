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

    [Theory]
    [InlineData("merge|spec.yaml|--out|", "--out '': expected a path, not an empty value")]
    [InlineData("merge|a.yaml|b.yaml|--out-dir|", "--out-dir '': expected a path, not an empty value")]
    [InlineData("merge||--out|out", "<spec> '': expected a file, not an empty value")]
    [InlineData("merge|spec.yaml|--out|out|--data-root|", "--data-root '': expected a path, not an empty value")]
    [InlineData("merge|spec.yaml|--out|out|--overwrtie", "Unrecognized command or argument '--overwrtie'.")]
    [InlineData("sweep|run|", "<sweep> '': expected a non-empty value")]
    [InlineData("eval|model|--compare|", "--compare '': expected a folder, not an empty value")]
    [InlineData("eval|model|--text|", "--text '': expected a file")]
    [InlineData("connect|a|b|--text|t.txt|--points|1", "--points 1: expected a whole number of at least 2")]
    [InlineData("connect|a|b|--dataset|d.fcds|--max-samples|-1", "--max-samples -1: expected a positive whole number")]
    [InlineData("connect|a|b|--dataset|d.fcds|--bezier-lr|-1", "--bezier-lr -1: expected a positive number")]
    [InlineData("connect|a|b|--text|t.txt|--publish|", "--publish '': expected a path, not an empty value")]
    [InlineData("merge|spec.yaml|--out|out|--input-hash|sha", "--input-hash sha: expected header or full")]
    [InlineData("merge|spec.yaml", "--out DIR is required")]
    public async Task A_mistake_the_parser_lets_through_is_one_line_naming_it(string arguments, string expected)
    {
        // Before: an empty path crashed with .NET's stack trace or was taken as "not given" (an empty --data-root meant no
        // roots at all, --publish '' published nothing and exited 0); a misspelt option after merge's specs was read as
        // one more spec file; connect's counts quoted .NET's range messages ("Actual value was -1.").
        var (exitCode, stdout, stderr) = await FusionProcess.RunAsync(arguments.Split('|'));

        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal($"fusion: error: {expected}", lines[0]);
        Assert.Matches(@"^see 'fusion [a-z ]+ --help' for its options$", lines[1]);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_group_named_alone_prints_its_help()
    {
        var (exitCode, stdout, _) = await FusionProcess.RunAsync("sweep");

        Assert.Equal(1, exitCode);
        Assert.Contains("fusion sweep [command] [options]", stdout, StringComparison.Ordinal);
    }
}
