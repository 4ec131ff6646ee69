using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Sweeps;

/// <summary>
/// A place in a merge spec, written as the spec's own error messages write it: <c>parameters.t</c>,
/// <c>models[1].parameters.weight</c>, <c>slices[0].sources[1].parameters.density</c>, <c>merge_method</c>;
/// <c>[*]</c> stands for every element of a list (<c>models[*].parameters.weight</c> sets each model's weight).
/// Setting a path replaces the value there, creating missing mappings on the way (a model entry without
/// <c>parameters:</c> gets one); list elements must exist.
/// </summary>
public sealed partial class SpecPath
{
    private SpecPath(string text, IReadOnlyList<SpecPathSegment> segments)
    {
        Text = text;
        Segments = segments;
    }

    public string Text { get; }

    public IReadOnlyList<SpecPathSegment> Segments { get; }

    /// <exception cref="FormatException">The text is not a path of the form above.</exception>
    public static SpecPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var segments = new List<SpecPathSegment>();
        foreach (var part in text.Split('.'))
        {
            var match = Segment().Match(part);
            if (!match.Success)
            {
                throw new FormatException($"'{text}' is not a spec path: '{part}' should be a key, key[index] or key[*] (e.g. models[1].parameters.weight)");
            }

            var index = match.Groups["index"];
            segments.Add(index.Success
                ? index.Value == "*"
                    ? new SpecPathSegment(match.Groups["key"].Value, null, AllElements: true)
                    : new SpecPathSegment(match.Groups["key"].Value, int.Parse(index.Value, CultureInfo.InvariantCulture), AllElements: false)
                : new SpecPathSegment(match.Groups["key"].Value, null, AllElements: false));
        }

        return new SpecPath(text, segments);
    }

    /// <summary>Puts a copy of <paramref name="value"/> at this path (at every match of a [*]).</summary>
    /// <exception cref="FormatException">The template has no such place: a missing list element, or a scalar where a mapping is needed.</exception>
    public void Set(YamlMappingNode root, YamlNode value)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(value);
        SetFrom(root, 0, "", value);
    }

    public override string ToString() => Text;

    /// <summary>A deep copy: a node must not appear twice in one document, or the emitter would write an alias.</summary>
    public static YamlNode Copy(YamlNode node) => node switch
    {
        YamlScalarNode scalar => new YamlScalarNode(scalar.Value) { Style = scalar.Style, Tag = scalar.Tag },
        YamlSequenceNode sequence => new YamlSequenceNode(sequence.Children.Select(Copy)) { Style = sequence.Style },
        YamlMappingNode mapping => new YamlMappingNode(mapping.Children.Select(c => new KeyValuePair<YamlNode, YamlNode>(Copy(c.Key), Copy(c.Value)))) { Style = mapping.Style },
        _ => throw new FormatException($"cannot copy a YAML {node.NodeType}"),
    };

    private void SetFrom(YamlMappingNode mapping, int position, string walked, YamlNode value)
    {
        var segment = Segments[position];
        var here = walked.Length == 0 ? segment.Key : $"{walked}.{segment.Key}";
        var last = position == Segments.Count - 1;
        var key = new YamlScalarNode(segment.Key);
        if (segment.Index is null && !segment.AllElements)
        {
            if (last)
            {
                mapping.Children[key] = Copy(value);
                return;
            }

            if (!mapping.Children.TryGetValue(key, out var child) || IsNull(child))
            {
                child = new YamlMappingNode();
                mapping.Children[key] = child;
            }

            SetFrom(AsMapping(child, here), position + 1, here, value);
            return;
        }

        if (!mapping.Children.TryGetValue(key, out var listNode) || listNode is not YamlSequenceNode list)
        {
            throw new FormatException($"{Text}: the template has no list at '{here}'");
        }

        var indices = segment.AllElements ? Enumerable.Range(0, list.Children.Count) : [segment.Index!.Value];
        foreach (var index in indices)
        {
            var element = $"{here}[{index}]";
            if (index >= list.Children.Count)
            {
                throw new FormatException($"{Text}: '{here}' has {list.Children.Count} entries, so there is no {element}");
            }

            if (last)
            {
                list.Children[index] = Copy(value);
            }
            else
            {
                SetFrom(AsMapping(list.Children[index], element), position + 1, element, value);
            }
        }
    }

    private YamlMappingNode AsMapping(YamlNode node, string where) =>
        node as YamlMappingNode ?? throw new FormatException($"{Text}: '{where}' in the template is not a mapping, so it has no keys to set");

    private static bool IsNull(YamlNode node) => node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    [GeneratedRegex(@"^(?<key>[A-Za-z_][A-Za-z0-9_\-]*)(\[(?<index>\*|[0-9]{1,6})\])?$")]
    private static partial Regex Segment();
}
