using System.Globalization;
using System.Text.RegularExpressions;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;

namespace FusionCluster.Dashboard.Sweeps;

/// <summary>
/// The New sweep page's verdict on a sweep.yaml as typed, from the parser the sweep grain uses (template, space,
/// evaluator, objective, schedule); the grain checks the inputs on the cluster when the sweep is created.
/// </summary>
public static partial class SweepSpecCheck
{
    /// <param name="roots">The dashboard's data roots: a template file is read only inside them, as on the silos.</param>
    /// <returns>Null when the text parses; otherwise the parser's message and the line it names, when it names one.</returns>
    public static (string Error, int? Line)? Run(string? yaml, string specName, string directory, LocalRoots roots)
    {
        if (string.IsNullOrWhiteSpace(yaml))
        {
            return ("the sweep is empty; write a template, a space, an evaluator and an objective, or kind: connect with connect: options and a space (see fusion sweep create --help)", null);
        }

        try
        {
            SweepSpecParser.Parse(yaml, specName, directory, roots);
            return null;
        }
        catch (SpecException e)
        {
            var match = LineNumber().Match(e.Message);
            return (e.Message, match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null);
        }
    }

    [GeneratedRegex(@"\bline (\d+):")]
    private static partial Regex LineNumber();
}
