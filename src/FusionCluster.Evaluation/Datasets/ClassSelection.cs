using System.Globalization;

namespace FusionCluster.Evaluation.Datasets;

/// <summary>Parses class lists as the command line writes them: "0,1,2", ranges "0-3", or both: "0-3,7".</summary>
public static class ClassSelection
{
    public static IReadOnlyList<int> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var classes = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-', StringSplitOptions.TrimEntries);
            if (bounds.Length is < 1 or > 2 || !bounds.All(IsClass))
            {
                throw new FormatException($"'{text}': expected class numbers or ranges separated by commas, e.g. 0,1,2 or 0-3,7; '{part}' is neither");
            }

            var first = int.Parse(bounds[0], CultureInfo.InvariantCulture);
            var last = int.Parse(bounds[^1], CultureInfo.InvariantCulture);
            if (last < first)
            {
                throw new FormatException($"'{text}': range '{part}' ends before it starts");
            }

            for (var c = first; c <= last; c++)
            {
                classes.Add(c);
            }
        }

        return [.. classes];
    }

    private static bool IsClass(string value) =>
        value.Length is > 0 and <= 3 && value.All(char.IsAsciiDigit);
}
