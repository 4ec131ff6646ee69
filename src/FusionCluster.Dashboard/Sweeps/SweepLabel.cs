using System.Text.RegularExpressions;

namespace FusionCluster.Dashboard.Sweeps;

/// <summary>
/// The values a candidate's label sets: "models[*].parameters.weight=0.5 merge_method=ties" gives two
/// (path, value) pairs. Paths have no spaces or '='; values are YAML flow text and may contain spaces
/// ("[0.1, 0.9]"), so a value runs up to the next " path=".
/// </summary>
public static partial class SweepLabel
{
    public static IReadOnlyList<(string Path, string Value)> Parse(string label)
    {
        var matches = PathPattern().Matches(label ?? "");
        var values = new List<(string, string)>(matches.Count);
        for (var i = 0; i < matches.Count; i++)
        {
            var start = matches[i].Index + matches[i].Length;
            var end = i + 1 < matches.Count ? matches[i + 1].Index : label!.Length;
            values.Add((matches[i].Groups["path"].Value, label![start..end].Trim()));
        }

        return values;
    }

    [GeneratedRegex(@"(?:^|\s)(?<path>[^\s=]+)=")]
    private static partial Regex PathPattern();
}
