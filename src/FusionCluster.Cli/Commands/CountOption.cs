using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace FusionCluster.Cli.Commands;

/// <summary>
/// Options that count things (units at once, runs, samples, points on a path): a value the user writes must be at least
/// the least that means something, and is refused by the parser, naming the option, before anything runs.
/// </summary>
public static class CountOption
{
    /// <summary>Refuses zero and negative values given on the command line; an unset option keeps its default (0 may mean "automatic").</summary>
    public static Option<int> Positive(this Option<int> option) => option.AtLeast(1);

    /// <summary>As <see cref="Positive(Option{int})"/> for an optional count.</summary>
    public static Option<int?> Positive(this Option<int?> option) => option.AtLeast(1);

    /// <summary>Refuses a value given on the command line below <paramref name="minimum"/>.</summary>
    public static Option<int> AtLeast(this Option<int> option, int minimum)
    {
        option.Validators.Add(result => Check(result, option.Name, minimum));
        return option;
    }

    /// <summary>As <see cref="AtLeast(Option{int}, int)"/> for an optional count.</summary>
    public static Option<int?> AtLeast(this Option<int?> option, int minimum)
    {
        option.Validators.Add(result => Check(result, option.Name, minimum));
        return option;
    }

    /// <summary>Refuses a rate or scale given on the command line that is not a finite number above zero.</summary>
    public static Option<double> PositiveNumber(this Option<double> option)
    {
        option.Validators.Add(result =>
        {
            if (!result.Implicit && result.Tokens.Count == 1 && double.TryParse(result.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && !(double.IsFinite(value) && value > 0))
            {
                result.AddError($"{option.Name} {result.Tokens[0].Value}: expected a positive number");
            }
        });
        return option;
    }

    private static void Check(OptionResult result, string name, int minimum)
    {
        if (Given(result) is { } value && value < minimum)
        {
            result.AddError(minimum == 1
                ? $"{name} {value}: expected a positive whole number"
                : string.Create(CultureInfo.InvariantCulture, $"{name} {value}: expected a whole number of at least {minimum}"));
        }
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
