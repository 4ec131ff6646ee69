using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace FusionCluster.Cli.Console;

/// <summary>
/// Command-line mistakes in fusion's words: System.CommandLine reports a value it cannot convert with the .NET type it
/// wanted ("... as expected type 'System.UInt64'") and then prints the whole help. fusion prints one line per mistake
/// in the form its own checks use (<c>--seed -1: expected ...</c>) and where the help is.
/// </summary>
public static partial class CommandLineErrors
{
    /// <summary>Writes the parse errors of <paramref name="parse"/> to <paramref name="error"/>; the exit code (1).</summary>
    public static int Report(ParseResult parse, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(error);
        foreach (var message in parse.Errors.Select(e => Reword(e.Message)).Distinct())
        {
            error.WriteLine($"fusion: error: {message}");
        }

        error.WriteLine($"see '{CommandPath(parse.CommandResult)} --help' for its options");
        return 1;
    }

    /// <summary>
    /// True for a command group named alone (<c>fusion</c>, <c>fusion sweep</c>): its help, which System.CommandLine prints,
    /// is the answer, not an error line.
    /// </summary>
    public static bool IsBareCommandGroup(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.UnmatchedTokens.Count == 0 && parse.CommandResult.Command.Subcommands.Count > 0 && !parse.CommandResult.Children.Any();
    }

    /// <summary>A conversion error reworded; any other message as it is.</summary>
    public static string Reword(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var match = ConversionError().Match(message);
        return match.Success
            ? $"{match.Groups["name"].Value} {match.Groups["value"].Value}: expected {Expected(match.Groups["type"].Value)}"
            : message;
    }

    private static string Expected(string type) => type switch
    {
        "System.UInt64" => $"a whole number from 0 to {ulong.MaxValue}",
        "System.UInt32" => $"a whole number from 0 to {uint.MaxValue}",
        "System.Int64" => $"a whole number from {long.MinValue} to {long.MaxValue}",
        "System.Int32" => $"a whole number from {int.MinValue} to {int.MaxValue}",
        "System.Double" or "System.Single" => "a number",
        "System.Boolean" => "true or false",
        _ => $"a value of type {type}",
    };

    private static string CommandPath(CommandResult command) =>
        command.Parent is CommandResult parent ? $"{CommandPath(parent)} {command.Command.Name}" : "fusion";

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?:option|command) '(?<name>.*)' as expected type '(?<type>[^']*)'\.")]
    private static partial Regex ConversionError();
}
