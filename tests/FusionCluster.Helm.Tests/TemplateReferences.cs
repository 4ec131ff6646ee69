using System.Text.RegularExpressions;

namespace FusionCluster.Helm.Tests;

/// <summary>What the templates refer to: values paths, named templates, and the block structure of their actions.</summary>
public static partial class TemplateReferences
{
    /// <summary>
    /// Every values path a template reads: <c>.Values.a.b</c> (also through <c>$.Values</c>,
    /// <c>$root.Values</c>, <c>.root.Values</c>) and paths through variables bound to a values path
    /// (<c>$r := .Values.redis</c>, then <c>$r.image.tag</c> is redis.image.tag). <c>$v</c>, the pool of
    /// a silo template, stands for both worker and coordinator.
    /// </summary>
    public static IEnumerable<(string File, string Path)> ValuesPaths(IReadOnlyDictionary<string, string> templates)
    {
        foreach (var (file, text) in templates)
        {
            var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match binding in AliasBinding().Matches(text))
            {
                aliases[binding.Groups["name"].Value] = binding.Groups["path"].Value.TrimStart('.');
            }

            foreach (Match use in ValuesUse().Matches(text))
            {
                yield return (file, use.Groups["path"].Value.TrimStart('.'));
            }

            foreach (Match use in VariableUse().Matches(text))
            {
                var name = use.Groups["name"].Value;
                var rest = use.Groups["path"].Value;
                if (aliases.TryGetValue(name, out var prefix))
                {
                    yield return (file, prefix + rest);
                }
                else if (name == "v")
                {
                    yield return (file, "worker" + rest);
                    yield return (file, "coordinator" + rest);
                }
            }
        }
    }

    /// <summary>Names used in include/template calls.</summary>
    public static IEnumerable<(string File, string Name)> IncludedNames(IReadOnlyDictionary<string, string> templates) =>
        templates.SelectMany(t => IncludeCall().Matches(t.Value).Select(m => (t.Key, m.Groups["name"].Value)));

    /// <summary>Names defined with define.</summary>
    public static IEnumerable<string> DefinedNames(IReadOnlyDictionary<string, string> templates) =>
        templates.Values.SelectMany(text => Definition().Matches(text).Select(m => m.Groups["name"].Value));

    /// <summary>
    /// The open blocks (if, with, range, define) left when <paramref name="text"/> ends, after matching
    /// each with its end; a negative count is an end without a block. Comments are skipped.
    /// </summary>
    public static int UnclosedBlocks(string text)
    {
        var depth = 0;
        foreach (Match action in Action().Matches(text))
        {
            var body = action.Groups["body"].Value.Trim();
            if (body.StartsWith("/*", StringComparison.Ordinal))
            {
                continue;
            }

            var keyword = body.Split([' ', '\t', '\n', '('], 2)[0];
            if (keyword is "if" or "with" or "range" or "define" or "block")
            {
                depth++;
            }
            else if (keyword == "end")
            {
                depth--;
                if (depth < 0)
                {
                    return depth;
                }
            }
        }

        return depth;
    }

    [GeneratedRegex(@"(?:\$|\$root|\.root)?\.Values(?<path>(?:\.[A-Za-z_][A-Za-z0-9_]*)+)")]
    private static partial Regex ValuesUse();

    // Only "{{ $x := .Values...}}": range variables ("range $k, $v := .Values.map") are elements, not the map.
    [GeneratedRegex(@"\{\{-?\s*\$(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*:=\s*(?:\$|\$root|\.root)?\.Values(?<path>(?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*\}\}")]
    private static partial Regex AliasBinding();

    [GeneratedRegex(@"\$(?<name>[A-Za-z_][A-Za-z0-9_]*)(?<path>(?:\.[A-Za-z_][A-Za-z0-9_]*)+)")]
    private static partial Regex VariableUse();

    [GeneratedRegex(@"(?:include|template)\s+""(?<name>[^""]+)""")]
    private static partial Regex IncludeCall();

    [GeneratedRegex(@"define\s+""(?<name>[^""]+)""")]
    private static partial Regex Definition();

    [GeneratedRegex(@"\{\{-?(?<body>.*?)-?\}\}", RegexOptions.Singleline)]
    private static partial Regex Action();
}
