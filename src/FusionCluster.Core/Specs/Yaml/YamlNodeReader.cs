using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Specs.Yaml;

/// <summary>
/// Reads values out of a spec's YAML representation model under <see cref="YamlScalars"/>' rules, turning every
/// mismatch into a <see cref="SpecException"/> that names the source, the line and the key path
/// (<c>spec.yaml line 7: models[1].parameters.weight: expected a number, got 'heavy'</c>). One instance per
/// document: it remembers which key each value hangs under, so that an error about a block value (which
/// starts on the line below its key) points at the key.
/// </summary>
/// <param name="sourceName">The name errors start with.</param>
/// <param name="withLines">False for nodes built in memory (a sweep point's copy of a section): their lines say nothing, so errors leave them out.</param>
public sealed class YamlNodeReader(string sourceName, bool withLines = true)
{
    private readonly Dictionary<YamlNode, YamlNode> keyOf = new(ReferenceEqualityComparer.Instance);

    /// <summary>The name errors start with, normally the file name.</summary>
    public string SourceName { get; } = sourceName;

    /// <summary>Reads a mapping, rejecting unknown keys (mergekit would ignore them; a typo silently changing a merge is worse).</summary>
    /// <param name="node">The node that must be a mapping.</param>
    /// <param name="path">Its key path ("" for the top level).</param>
    /// <param name="allowed">The keys it may have.</param>
    /// <param name="what">What it is, for messages ("a slice", "the tokenizer section").</param>
    public Dictionary<string, YamlNode> ReadMapping(YamlNode node, string path, IReadOnlyList<string> allowed, string what)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw Error(node, path.Length == 0 ? "(top level)" : path, $"expected {what} (a mapping with keys {string.Join(", ", allowed)}), got {Describe(node)}");
        }

        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = ReadKey(keyNode, path);
            var keyPath = path.Length == 0 ? key : $"{path}.{key}";
            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                throw Error(keyNode, keyPath, $"unknown key '{key}'{SpellingSuggestion.Hint(key, allowed)} in {what}; allowed keys: {string.Join(", ", allowed)}");
            }

            NoteKey(valueNode, keyNode);
            result[key] = valueNode;
        }

        return result;
    }

    /// <summary>A mapping key, which must be a plain string.</summary>
    public string ReadKey(YamlNode keyNode, string path)
    {
        if (keyNode is YamlScalarNode { Value: { } key })
        {
            return key;
        }

        throw Error(keyNode, path.Length == 0 ? "(top level)" : path, $"keys must be plain strings, got {Describe(keyNode)}");
    }

    /// <summary>Records that <paramref name="value"/> hangs under <paramref name="key"/>, for the line of later errors.</summary>
    public void NoteKey(YamlNode value, YamlNode key) => keyOf[value] = key;

    public List<YamlNode> ReadSequence(YamlNode node, string path)
    {
        if (node is not YamlSequenceNode sequence)
        {
            throw Error(node, path, $"expected a list, got {Describe(node)}");
        }

        return [.. sequence.Children];
    }

    /// <summary>A scalar's text; null for a null scalar.</summary>
    public string? ReadString(YamlNode node, string path)
    {
        if (IsNull(node))
        {
            return null;
        }

        if (node is not YamlScalarNode scalar)
        {
            throw Error(node, path, $"expected a string, got {Describe(node)}");
        }

        return scalar.Value;
    }

    /// <summary>A non-empty scalar's text, trimmed.</summary>
    public string RequireString(YamlNode node, string path) =>
        node is YamlScalarNode { Value: { Length: > 0 } value } && !IsNull(node) && value.Trim().Length > 0
            ? value.Trim()
            : throw Error(node, path, $"expected a non-empty string, got {Describe(node)}");

    public bool ReadBool(YamlNode node, string path) =>
        YamlScalars.TryBool(node, out var value) ? value : throw Error(node, path, $"expected true or false, got {Describe(node)}");

    /// <param name="node">The node.</param>
    /// <param name="path">Its key path.</param>
    /// <param name="expected">How the message starts when it is not a number.</param>
    public double ReadNumber(YamlNode node, string path, string expected = "expected a number")
    {
        if (YamlScalars.TryNumber(node, out var value))
        {
            return value;
        }

        if (node is not YamlScalarNode scalar || IsNull(node))
        {
            throw Error(node, path, $"{expected}, got {Describe(node)}");
        }

        if (double.TryParse(scalar.Value?.Replace("_", "", StringComparison.Ordinal), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            throw Error(node, path, $"{expected}, got the non-finite value '{scalar.Value}'");
        }

        var quoted = YamlScalars.IsPlain(scalar) ? "" : "the quoted string ";
        throw Error(node, path, $"{expected}, got {quoted}'{scalar.Value}'");
    }

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>]; the message names the range only when it is narrower than int's.</summary>
    public int ReadInt(YamlNode node, string path, int min = int.MinValue, int max = int.MaxValue)
    {
        if (YamlScalars.TryInteger(node, out var value) && value >= min && value <= max)
        {
            return (int)value;
        }

        var range = min == int.MinValue && max == int.MaxValue ? "an integer" : $"an integer from {min} to {max}";
        throw Error(node, path, $"expected {range}, got {Describe(node)}");
    }

    /// <summary>A seed: a whole number from 0 to 2^64 - 1.</summary>
    public ulong ReadSeed(YamlNode node, string path) =>
        YamlScalars.TryUnsigned(node, out var value) ? value : throw Error(node, path, $"expected a non-negative integer, got {Describe(node)}");

    public static bool IsNull(YamlNode node) => YamlScalars.IsNull(node);

    public static string Describe(YamlNode node) => YamlScalars.Describe(node);

    /// <summary>The error for <paramref name="node"/> at <paramref name="path"/>: source, line (its key's, where known), path, message.</summary>
    public SpecException Error(YamlNode node, string path, string message)
    {
        // Messages that already start with the key path don't repeat it.
        var text = message.StartsWith(path + ":", StringComparison.Ordinal) ? message : $"{path}: {message}";
        var line = keyOf.TryGetValue(node, out var key) ? key.Start.Line : node.Start.Line;
        return new SpecException(withLines ? $"{SourceName} line {line}: {text}" : $"{SourceName}: {text}");
    }
}
