using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs.Yaml;
using YamlDotNet.RepresentationModel;
using static FusionCluster.Core.Specs.Yaml.YamlScalars;

namespace FusionCluster.Core.Specs;

/// <summary>
/// Reads <c>parameters:</c> sections: mergekit's ParameterSetting in each of its shapes (number, gradient, conditionals),
/// refusing a name <paramref name="method"/> does not accept (null: before the method is known) at its line.
/// </summary>
internal sealed class ParameterSettingReader(YamlNodeReader yaml, IReadOnlyDictionary<string, ParameterRange> ranges, IMergeMethod? method)
{
    private const string ShapeHint = "expected a number (or true/false), a list of numbers (gradient) or a list of {filter, value}";

    private static readonly string[] ConditionalKeys = ["filter", "value"];

    /// <summary>No parameters.</summary>
    public static Dictionary<string, ParameterSetting> Empty() => new(StringComparer.Ordinal);

    public Dictionary<string, ParameterSetting> Read(YamlNode node, string path)
    {
        var result = new Dictionary<string, ParameterSetting>(StringComparer.Ordinal);
        if (IsNull(node))
        {
            return result;
        }

        if (node is not YamlMappingNode mapping)
        {
            throw yaml.Error(node, path, $"expected a mapping of parameter names to values, got {Describe(node)}");
        }

        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = yaml.ReadKey(keyNode, path);
            if (method is not null && SpecParameterNames.UnknownMessage(method, key) is { } unknown)
            {
                throw yaml.Error(keyNode, $"{path}.{key}", unknown);
            }

            yaml.NoteKey(valueNode, keyNode);
            result[key] = ReadSetting(valueNode, $"{path}.{key}", ranges.GetValueOrDefault(key));
        }

        return result;
    }

    /// <summary>mergekit's ParameterSetting: scalar | list of scalars (gradient) | {filter, value} | list of {filter, value}.</summary>
    private ParameterSetting ReadSetting(YamlNode node, string path, ParameterRange? range)
    {
        switch (node)
        {
            case YamlScalarNode:
                return new ScalarSetting(ReadValue(node, path, ShapeHint, range));
            case YamlMappingNode:
                if (((YamlMappingNode)node).Children.Keys.All(k => k is YamlScalarNode s && ConditionalKeys.Contains(s.Value)))
                {
                    return new ConditionalSetting([ReadConditional(node, path, range)]);
                }

                throw yaml.Error(node, path, $"{ShapeHint}, got a mapping (a single conditional may only have the keys filter and value)");
            case YamlSequenceNode seq:
                if (seq.Children.Count == 0)
                {
                    throw yaml.Error(node, path, $"{ShapeHint}, got an empty list");
                }

                if (seq.Children.All(c => c is YamlScalarNode))
                {
                    return new GradientSetting(seq.Children.Select((c, i) => ReadValue(c, $"{path}[{i}]", "expected a number (a gradient point)", range)).ToArray());
                }

                if (seq.Children.All(c => c is YamlMappingNode))
                {
                    return new ConditionalSetting(seq.Children.Select((c, i) => ReadConditional(c, $"{path}[{i}]", range)).ToArray());
                }

                throw yaml.Error(node, path, $"{ShapeHint}, got a list whose items are neither all numbers nor all {{filter, value}} mappings");
            default:
                throw yaml.Error(node, path, $"{ShapeHint}, got {Describe(node)}");
        }
    }

    private ConditionalEntry ReadConditional(YamlNode node, string path, ParameterRange? range)
    {
        var map = yaml.ReadMapping(node, path, ConditionalKeys, "a conditional parameter entry");
        string? filter = null;
        if (map.TryGetValue("filter", out var f) && !IsNull(f))
        {
            filter = yaml.ReadString(f, $"{path}.filter");
        }

        if (!map.TryGetValue("value", out var v) || IsNull(v))
        {
            throw yaml.Error(node, $"{path}.value", "missing required key 'value'");
        }

        ParameterSetting value = v switch
        {
            YamlScalarNode => new ScalarSetting(ReadValue(v, $"{path}.value", "expected a number or a list of numbers (gradient)", range)),
            YamlSequenceNode seq when seq.Children.Count > 0 && seq.Children.All(c => c is YamlScalarNode) =>
                new GradientSetting(seq.Children.Select((c, i) => ReadValue(c, $"{path}.value[{i}]", "expected a number", range)).ToArray()),
            _ => throw yaml.Error(v, $"{path}.value", $"expected a number or a non-empty list of numbers (gradient), got {Describe(v)}"),
        };
        return new ConditionalEntry(filter, value);
    }

    private double ReadValue(YamlNode node, string path, string expected, ParameterRange? range)
    {
        var value = yaml.ReadNumber(node, path, expected);
        if (range is not null && !range.Contains(value))
        {
            throw yaml.Error(node, path, FormattableString.Invariant($"{value} is outside {range}: {range.Why}"));
        }

        return value;
    }
}
