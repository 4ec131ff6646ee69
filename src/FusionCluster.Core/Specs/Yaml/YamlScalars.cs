using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Specs.Yaml;

/// <summary>
/// The one set of scalar rules for every spec (merge specs, sweep specs, anything later), matching what mergekit
/// gets from PyYAML (YAML 1.1) and pydantic's lax mode: plain true/yes/on and false/no/off in any of YAML's three
/// casings are booleans, and numbers where a number is expected (1.0 and 0.0); ~, null and an empty value are
/// null; numbers may carry underscores (1_000) and may be quoted ("0.3"). Quoted booleans and nulls are strings.
/// </summary>
public static class YamlScalars
{
    private static readonly HashSet<string> TrueWords = new(StringComparer.Ordinal) { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON" };
    private static readonly HashSet<string> FalseWords = new(StringComparer.Ordinal) { "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF" };
    private static readonly HashSet<string> NullWords = new(StringComparer.Ordinal) { "", "~", "null", "Null", "NULL" };

    /// <summary>A plain null scalar (~, null, empty).</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode scalar && IsPlain(scalar) && NullWords.Contains(scalar.Value ?? "");

    /// <summary>A plain YAML 1.1 boolean.</summary>
    public static bool TryBool(YamlNode node, out bool value)
    {
        var text = node is YamlScalarNode scalar && IsPlain(scalar) ? scalar.Value ?? "" : "";
        value = TrueWords.Contains(text);
        return value || FalseWords.Contains(text);
    }

    /// <summary>A number: a plain boolean as 1 or 0, or (plain or quoted) decimal text with optional underscores. Non-finite values are not numbers.</summary>
    public static bool TryNumber(YamlNode node, out double value)
    {
        value = 0;
        if (node is not YamlScalarNode scalar || IsNull(node))
        {
            return false;
        }

        if (TryBool(node, out var flag))
        {
            value = flag ? 1.0 : 0.0;
            return true;
        }

        return double.TryParse(WithoutUnderscores(scalar.Value), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <summary>Whole-number text (plain or quoted, optional sign and underscores).</summary>
    public static bool TryInteger(YamlNode node, out long value)
    {
        value = 0;
        return node is YamlScalarNode scalar && !IsNull(node)
            && long.TryParse(WithoutUnderscores(scalar.Value), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Non-negative whole-number text up to 2^64 - 1 (seeds).</summary>
    public static bool TryUnsigned(YamlNode node, out ulong value)
    {
        value = 0;
        return node is YamlScalarNode scalar && !IsNull(node)
            && ulong.TryParse(WithoutUnderscores(scalar.Value), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Quoted and block scalars are always strings, whatever they spell.</summary>
    public static bool IsPlain(YamlScalarNode scalar) => scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;

    /// <summary>The node as messages show it.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "nothing (null)",
        YamlScalarNode s => $"'{s.Value}'",
        _ => node.NodeType.ToString(),
    };

    // Only between digits would be stricter; PyYAML 1.1 is as lax as this.
    private static string WithoutUnderscores(string? text) => (text ?? "").Replace("_", "", StringComparison.Ordinal);
}
