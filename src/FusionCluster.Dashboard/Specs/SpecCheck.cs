using System.Text.RegularExpressions;
using FusionCluster.Core.Specs;

namespace FusionCluster.Dashboard.Specs;

/// <summary>
/// The editor's verdict on a spec as typed: valid (with a one-line summary) or the parser's error, which
/// names the key and line. Runs locally, with the same parser the cluster uses, so it needs no round trip.
/// </summary>
public sealed partial record SpecCheck
{
    private SpecCheck()
    {
    }

    public bool IsValid => Error is null;

    /// <summary>Null when valid; otherwise the parser's message.</summary>
    public string? Error { get; private init; }

    /// <summary>The line the error names (1-based), when it names one.</summary>
    public int? ErrorLine { get; private init; }

    /// <summary>For a valid spec: method and models, e.g. "ties over 3 models (base: base)".</summary>
    public string Summary { get; private init; } = "";

    public static SpecCheck Run(string? yaml, string specName)
    {
        if (string.IsNullOrWhiteSpace(yaml))
        {
            return new SpecCheck { Error = "the spec is empty; start from an example or paste a mergekit YAML config" };
        }

        try
        {
            // The parser refuses an unknown method or parameter (a typo like `densty`) at its line, as the planner would.
            var spec = MergeSpecParser.Parse(yaml, specName);
            var models = spec.AllModels();
            var basis = spec.BaseModel is null ? "" : $" (base: {spec.BaseModel})";
            var shape = spec.UsesModels ? "" : $", {spec.Slices.Count} slice{(spec.Slices.Count == 1 ? "" : "s")}";
            return new SpecCheck { Summary = $"{spec.MergeMethod} over {models.Count} model{(models.Count == 1 ? "" : "s")}{basis}{shape}" };
        }
        catch (SpecException e)
        {
            var match = LineNumber().Match(e.Message);
            return new SpecCheck { Error = e.Message, ErrorLine = match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null };
        }
    }

    /// <summary>The text of line <paramref name="line"/> (1-based) of <paramref name="yaml"/>, for showing next to the error.</summary>
    public static string? LineOf(string yaml, int line)
    {
        var lines = yaml.Split('\n');
        return line >= 1 && line <= lines.Length ? lines[line - 1].TrimEnd('\r') : null;
    }

    [GeneratedRegex(@"\bline (\d+):")]
    private static partial Regex LineNumber();
}
