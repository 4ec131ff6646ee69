using System.CommandLine;
using System.CommandLine.Parsing;

namespace FusionCluster.Cli.Commands;

/// <summary>Options that count things (units at once, runs, samples): a value the user writes must be at least 1.</summary>
public static class CountOption
{
    /// <summary>Refuses zero and negative values given on the command line; an unset option keeps its default (0 may mean "automatic").</summary>
    public static Option<int> Positive(this Option<int> option)
    {
        option.Validators.Add(result =>
        {
            if (!result.Implicit && result.GetValueOrDefault<int>() < 1)
            {
                result.AddError($"{option.Name} {result.GetValueOrDefault<int>()}: expected a positive whole number");
            }
        });
        return option;
    }

    /// <summary>As <see cref="Positive(Option{int})"/> for an optional count.</summary>
    public static Option<int?> Positive(this Option<int?> option)
    {
        option.Validators.Add(result =>
        {
            if (!result.Implicit && result.GetValueOrDefault<int?>() is < 1 and var value)
            {
                result.AddError($"{option.Name} {value}: expected a positive whole number");
            }
        });
        return option;
    }
}
