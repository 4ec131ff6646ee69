using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace FusionCluster.Cli.Commands;

/// <summary>Options that count things (units at once, runs, samples): a value the user writes must be at least 1.</summary>
public static class CountOption
{
    /// <summary>Refuses zero and negative values given on the command line; an unset option keeps its default (0 may mean "automatic").</summary>
    public static Option<int> Positive(this Option<int> option)
    {
        option.Validators.Add(result =>
        {
            if (Given(result) is < 1 and var value)
            {
                result.AddError($"{option.Name} {value}: expected a positive whole number");
            }
        });
        return option;
    }

    /// <summary>As <see cref="Positive(Option{int})"/> for an optional count.</summary>
    public static Option<int?> Positive(this Option<int?> option)
    {
        option.Validators.Add(result =>
        {
            if (Given(result) is < 1 and var value)
            {
                result.AddError($"{option.Name} {value}: expected a positive whole number");
            }
        });
        return option;
    }

    /// <summary>
    /// The whole number written on the command line, or null when none was (the default) or the text is no whole number:
    /// that is the parser's own error, and asking for the value then threw out of the validator (`--points x` crashed).
    /// </summary>
    private static int? Given(OptionResult result) =>
        !result.Implicit && result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
