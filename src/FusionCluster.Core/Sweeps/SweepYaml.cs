using System.Globalization;
using System.Text;
using FusionCluster.Core.Specs.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Sweeps;

/// <summary>Writing YAML nodes back as text: whole documents, one-line flow values, and a canonical form for hashing.</summary>
public static class SweepYaml
{
    /// <summary>A mapping as a YAML document.</summary>
    public static string Document(YamlNode root)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(SpecPath.Copy(root))).Save(writer, assignAnchors: false);
        var text = writer.ToString();

        // The emitter closes each document with "...", which is noise in a spec.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    /// <summary>A value on one line: scalars as written, lists and mappings in flow style.</summary>
    public static string Flow(YamlNode node) => node switch
    {
        YamlScalarNode { Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted } s => $"'{s.Value?.Replace("'", "''", StringComparison.Ordinal)}'",
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode seq => "[" + string.Join(", ", seq.Children.Select(Flow)) + "]",
        YamlMappingNode map => "{" + string.Join(", ", map.Children.Select(c => $"{Flow(c.Key)}: {Flow(c.Value)}")) + "}",
        _ => node.ToString(),
    };

    /// <summary>
    /// The spec as a canonical string: mapping keys sorted, plain numbers in shortest round-trip form,
    /// YAML 1.1 booleans and nulls spelled one way (the rules of <see cref="YamlScalars"/>), quoted strings marked as strings. Comments, key order,
    /// layout and number spelling (0.50 vs 0.5) do not change it; any change of meaning does.
    /// </summary>
    public static string Canonical(YamlNode node)
    {
        var text = new StringBuilder();
        Append(node, text);
        return text.ToString();
    }

    private static void Append(YamlNode node, StringBuilder text)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                text.Append('{');
                foreach (var (key, value) in mapping.Children
                    .Select(c => (Key: Canonical(c.Key), c.Value))
                    .OrderBy(c => c.Key, StringComparer.Ordinal))
                {
                    text.Append(key).Append(':');
                    Append(value, text);
                    text.Append(',');
                }

                text.Append('}');
                break;
            case YamlSequenceNode sequence:
                text.Append('[');
                foreach (var child in sequence.Children)
                {
                    Append(child, text);
                    text.Append(',');
                }

                text.Append(']');
                break;
            case YamlScalarNode scalar:
                text.Append(Scalar(scalar));
                break;
            default:
                text.Append('?').Append(node.NodeType);
                break;
        }
    }

    private static string Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return "s" + Quote(value);
        }

        if (YamlScalars.IsNull(scalar))
        {
            return "null";
        }

        if (YamlScalars.TryBool(scalar, out var flag))
        {
            return flag ? "true" : "false";
        }

        if (YamlScalars.TryNumber(scalar, out var number))
        {
            return "n" + number.ToString("R", CultureInfo.InvariantCulture);
        }

        return "s" + Quote(value);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
