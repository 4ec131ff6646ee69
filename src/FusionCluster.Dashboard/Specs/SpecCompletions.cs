using System.Globalization;
using System.Text.RegularExpressions;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Specs;

namespace FusionCluster.Dashboard.Specs;

/// <summary>
/// What the spec editor suggests at a cursor: merge method names after <c>merge_method:</c>, the chosen method's
/// parameter names under a <c>parameters:</c> key, and the spec's keys elsewhere. Read from the method registry
/// and the parser's key lists, so a suggestion is always a name the validator accepts.
/// </summary>
public static partial class SpecCompletions
{
    /// <param name="yaml">The whole text.</param>
    /// <param name="line">The cursor's line, 1-based.</param>
    /// <param name="column">The cursor's column, 1-based (before the character at that column).</param>
    public static IReadOnlyList<SpecCompletion> At(string yaml, int line, int column)
    {
        var lines = yaml.Split('\n');
        if (line < 1 || line > lines.Length)
        {
            return [];
        }

        var text = lines[line - 1].TrimEnd('\r');
        var before = text[..Math.Clamp(column - 1, 0, text.Length)];
        if (MethodValue().IsMatch(before))
        {
            return [.. MergeMethodRegistry.Names.Order(StringComparer.Ordinal).Select(n => new SpecCompletion(n, "method", "merge method"))];
        }

        var key = KeyBeingTyped().Match(before);
        if (!key.Success)
        {
            return [];
        }

        var indent = key.Groups["indent"].Length + key.Groups["dash"].Length;
        if (indent == 0)
        {
            return [.. MergeSpecParser.TopLevelKeys.Select(k => new SpecCompletion(k, "key", "spec key"))];
        }

        return ParentKey(lines, line - 1, indent) switch
        {
            "parameters" => Parameters(yaml),
            "models" => [.. MergeSpecParser.ModelEntryKeys.Select(k => new SpecCompletion(k, "key", "model entry key"))],
            _ => [],
        };
    }

    private static SpecCompletion[] Parameters(string yaml)
    {
        var chosen = ChosenMethod().Match(yaml);
        if (chosen.Success && MergeMethodRegistry.TryGet(chosen.Groups["name"].Value, out var method))
        {
            return [.. method!.Parameters.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new SpecCompletion(p.Name, "parameter", Describe(method.Name, p)))];
        }

        // No method chosen yet: every name some method accepts, each saying which methods take it.
        return
        [
            .. MergeMethodRegistry.Names
                .SelectMany(n => MergeMethodRegistry.Get(n).Parameters.Select(p => (Method: n, p.Name)))
                .GroupBy(x => x.Name, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new SpecCompletion(g.Key, "parameter", "of " + string.Join(", ", g.Select(x => x.Method).Order(StringComparer.Ordinal)))),
        ];
    }

    private static string Describe(string method, ParameterDefinition parameter)
    {
        var scope = parameter.Scope == ParameterScope.PerModel ? "per model" : "global";
        var value = parameter.Required ? "required" : parameter.Default is { } d ? "default " + d.ToString(CultureInfo.InvariantCulture) : "optional";
        return $"{method}: {scope}, {value}";
    }

    /// <summary>The key of the nearest line above <paramref name="index"/> that is indented less than <paramref name="indent"/>.</summary>
    private static string? ParentKey(string[] lines, int index, int indent)
    {
        for (var i = index - 1; i >= 0; i--)
        {
            var text = lines[i].TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(text) || text.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var entry = KeyLine().Match(text);
            if (!entry.Success)
            {
                continue;
            }

            // A list item's keys sit at the dash's indent plus the dash: "  - model: x" puts `model` at 4.
            var at = entry.Groups["indent"].Length + entry.Groups["dash"].Length;
            if (at < indent)
            {
                return entry.Groups["key"].Value;
            }
        }

        return null;
    }

    [GeneratedRegex(@"^\s*merge_method:\s*[\w-]*$")]
    private static partial Regex MethodValue();

    [GeneratedRegex(@"^(?<indent> *)(?<dash>- +)?[\w-]*$")]
    private static partial Regex KeyBeingTyped();

    [GeneratedRegex(@"^(?<indent> *)(?<dash>- +)?(?<key>[\w-]+):")]
    private static partial Regex KeyLine();

    [GeneratedRegex(@"(?m)^merge_method:\s*(?<name>[\w-]+)")]
    private static partial Regex ChosenMethod();
}
