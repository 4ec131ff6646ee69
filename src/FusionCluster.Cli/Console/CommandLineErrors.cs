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
    // String options whose value is a path or a location: an empty one is a mistake (an unset shell variable), never "none".
    private static readonly HashSet<string> PathOptions = new(StringComparer.Ordinal)
    {
        "--out", "--out-dir", "--output", "--publish", "--save-zipped", "--cluster-out", "--data-root", "--benchmark-results", "--connect-results",
    };

    /// <summary>Writes the parse errors of <paramref name="parse"/> to <paramref name="error"/>; the exit code (1).</summary>
    public static int Report(ParseResult parse, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return Report(parse, parse.Errors.Select(Reword), error);
    }

    /// <summary>Writes <paramref name="messages"/> as fusion's error lines and where the command's help is; the exit code (1).</summary>
    public static int Report(ParseResult parse, IEnumerable<string> messages, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(error);
        foreach (var message in messages.Distinct())
        {
            error.WriteLine($"fusion: error: {message}");
        }

        error.WriteLine($"see '{CommandPath(parse.CommandResult)} --help' for its options");
        return 1;
    }

    /// <summary>
    /// Mistakes the parser lets through: an empty path or argument (<c>--out ""</c>, <c>fusion merge ""</c>), which .NET would refuse
    /// later with a stack trace or a verb would take as "not given"; and a misspelt option after a verb's list of files
    /// (<c>fusion merge a.yaml --overwrtie</c>), which the list takes as one more file.
    /// </summary>
    public static IReadOnlyList<string> Unparsed(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var mistakes = new List<string>();
        for (SymbolResult? result = parse.CommandResult; result is not null; result = result.Parent)
        {
            foreach (var child in result is CommandResult command ? command.Children : [])
            {
                switch (child)
                {
                    case OptionResult option when option.Tokens.Any(t => t.Value.Trim().Length == 0) && IsPath(option.Option.ValueType, option.Option.Name):
                        mistakes.Add($"{option.Option.Name} '': expected {Expected(option.Option.ValueType)}, not an empty value");
                        break;
                    case ArgumentResult argument:
                        // No verb's argument (a file, a folder, a job or sweep id) means anything when empty.
                        if (argument.Tokens.Any(t => t.Value.Trim().Length == 0))
                        {
                            mistakes.Add(IsPath(argument.Argument.ValueType, "")
                                ? $"<{argument.Argument.Name}> '': expected {Expected(argument.Argument.ValueType)}, not an empty value"
                                : $"<{argument.Argument.Name}> '': expected a non-empty value");
                        }

                        mistakes.AddRange(argument.Tokens.Where(t => LooksLikeOption(t.Value) && !Path.Exists(t.Value)).Select(t => $"Unrecognized command or argument '{t.Value}'."));
                        break;
                }
            }
        }

        return mistakes;
    }

    private static bool IsPath(Type type, string name) =>
        typeof(FileSystemInfo).IsAssignableFrom(type.IsArray ? type.GetElementType()! : type) || PathOptions.Contains(name);

    private static bool LooksLikeOption(string token) => token.Length > 1 && token[0] == '-' && !char.IsAsciiDigit(token[1]) && token[1] != '.';

    private static string Expected(Type type) => (type.IsArray ? type.GetElementType()! : type) switch
    {
        var t when t == typeof(FileInfo) => "a file",
        var t when t == typeof(DirectoryInfo) => "a folder",
        _ => "a path",
    };

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
            ? $"{match.Groups["name"].Value} {(match.Groups["value"].Length == 0 ? "''" : match.Groups["value"].Value)}: expected {Expected(match.Groups["type"].Value)}"
            : message;
    }

    /// <summary>
    /// As <see cref="Reword(string)"/>, and a value outside an option's list of choices (System.CommandLine's "Argument 'x'
    /// not recognized. Must be one of:" and the choices on lines of their own) as one line naming the option.
    /// </summary>
    private static string Reword(ParseError error)
    {
        var message = Reword(error.Message);
        var match = NotAChoice().Match(message);
        var option = error.SymbolResult switch
        {
            OptionResult result => result.Option.Name,
            ArgumentResult { Parent: OptionResult result } => result.Option.Name,
            _ => null,
        };
        if (!match.Success || option is null)
        {
            return message;
        }

        var choices = match.Groups["choice"].Captures.Select(c => c.Value).ToList();
        var expected = choices.Count == 1 ? choices[0] : $"{string.Join(", ", choices[..^1])} or {choices[^1]}";
        return $"{option} {match.Groups["value"].Value}: expected {expected}";
    }

    private static string Expected(string type) => type switch
    {
        "System.UInt64" => $"a whole number from 0 to {ulong.MaxValue}",
        "System.UInt32" => $"a whole number from 0 to {uint.MaxValue}",
        "System.Int64" => $"a whole number from {long.MinValue} to {long.MaxValue}",
        "System.Int32" => $"a whole number from {int.MinValue} to {int.MaxValue}",
        "System.Double" or "System.Single" => "a number",
        "System.Boolean" => "true or false",
        "System.IO.FileInfo" => "a file",
        "System.IO.DirectoryInfo" => "a folder",
        _ => $"a value of type {type}",
    };

    private static string CommandPath(CommandResult command) =>
        command.Parent is CommandResult parent ? $"{CommandPath(parent)} {command.Command.Name}" : "fusion";

    [GeneratedRegex(@"^Argument '(?<value>.*)' not recognized\. Must be one of:(?:\s*'(?<choice>[^']*)')+\s*$")]
    private static partial Regex NotAChoice();

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?:option|command) '(?<name>.*)' as expected type '(?<type>[^']*)'\.")]
    private static partial Regex ConversionError();
}
