using FusionCluster.Core.Specs;
using FusionCluster.Core.Specs.Yaml;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Alignment.Specs;

/// <summary>
/// A permutation spec written by hand for an architecture the built-in ones do not know:
/// <code>
/// permutation_spec:
///   tensors:
///     fc1.weight: [hidden, null]          # one entry per axis: a group name, or null for an axis left alone
///     fc1.bias: [hidden]
///     fc2.weight: [null, hidden]
///     attn.qkv.weight: [{group: heads, block: 64}, null]   # whole blocks of 64 entries per unit
///     fc2.bias: []                        # every tensor must be listed, even one never permuted
/// </code>
/// Group sizes come from the model's shapes (axis length / block) and must agree between tensors.
/// </summary>
public static class YamlPermutationSpec
{
    public static PermutationSpec Load(string path, IReadOnlyDictionary<string, long[]> shapes)
    {
        string text;
        try
        {
            text = SpecYaml.ReadText(path, "permutation spec");
        }
        catch (SpecException e)
        {
            throw new AlignmentException(e.Message, e);
        }

        return Parse(text, path, shapes);
    }

    public static PermutationSpec Parse(string yaml, string source, IReadOnlyDictionary<string, long[]> shapes)
    {
        // The spec parser's bounds (size, depth, alias expansion): the file may come from a job's spec, read on a silo.
        YamlStream stream;
        try
        {
            stream = SpecYaml.Load(yaml, source);
        }
        catch (SpecException e)
        {
            throw new AlignmentException(e.Message, e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new AlignmentException($"{source}: expected a mapping with a 'permutation_spec' key");
        }

        var spec = Child(root, "permutation_spec", source) as YamlMappingNode
            ?? throw new AlignmentException($"{source}: 'permutation_spec' must be a mapping");
        var unknown = spec.Children.Keys.OfType<YamlScalarNode>().FirstOrDefault(k => k.Value != "tensors");
        if (unknown is not null)
        {
            throw new AlignmentException($"{source} line {unknown.Start.Line}: unknown key '{unknown.Value}' under permutation_spec (expected 'tensors')");
        }

        var tensorsNode = Child(spec, "tensors", source) as YamlMappingNode
            ?? throw new AlignmentException($"{source}: 'permutation_spec.tensors' must be a mapping of tensor name to a list of axes");
        var tensors = new Dictionary<string, IReadOnlyList<PermutedAxis>>(StringComparer.Ordinal);
        var sizes = new Dictionary<string, (long Size, string Tensor)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (keyNode, valueNode) in tensorsNode.Children)
        {
            var name = ((YamlScalarNode)keyNode).Value ?? "";
            var line = keyNode.Start.Line;
            if (valueNode is not YamlSequenceNode axesNode)
            {
                throw new AlignmentException($"{source} line {line}: tensor '{name}': expected a list with one entry per axis");
            }

            if (!shapes.TryGetValue(name, out var shape))
            {
                throw new AlignmentException($"{source} line {line}: tensor '{name}' is not in the model");
            }

            if (axesNode.Children.Count != 0 && axesNode.Children.Count != shape.Length)
            {
                throw new AlignmentException($"{source} line {line}: tensor '{name}' has {shape.Length} axes ([{string.Join(", ", shape)}]) but the spec lists {axesNode.Children.Count}");
            }

            var axes = new List<PermutedAxis>();
            for (var axis = 0; axis < axesNode.Children.Count; axis++)
            {
                var permuted = ReadAxis(axesNode.Children[axis], axis, name, source);
                if (permuted is null)
                {
                    continue;
                }

                if (shape[axis] % permuted.BlockSize != 0)
                {
                    throw new AlignmentException($"{source} line {line}: tensor '{name}' axis {axis} has {shape[axis]} entries, not a multiple of block {permuted.BlockSize}");
                }

                var size = shape[axis] / permuted.BlockSize;
                if (sizes.TryGetValue(permuted.Group, out var known) && known.Size != size)
                {
                    throw new AlignmentException($"{source} line {line}: tensor '{name}' axis {axis} gives group '{permuted.Group}' {size} units, but tensor '{known.Tensor}' gives it {known.Size}");
                }

                if (!sizes.ContainsKey(permuted.Group))
                {
                    sizes[permuted.Group] = (size, name);
                    order.Add(permuted.Group);
                }

                axes.Add(permuted);
            }

            tensors[name] = axes;
        }

        var groups = order.Select(g => new PermutationGroup(g, checked((int)sizes[g].Size))).ToList();
        return new PermutationSpec(groups, tensors);
    }

    private static PermutedAxis? ReadAxis(YamlNode node, int axis, string tensor, string source)
    {
        switch (node)
        {
            case YamlScalarNode scalar when scalar.Value is null or "" or "null" or "~":
                return null;
            case YamlScalarNode scalar:
                return new PermutedAxis(axis, scalar.Value!);
            case YamlMappingNode mapping:
                var group = (Child(mapping, "group", source) as YamlScalarNode)?.Value
                    ?? throw new AlignmentException($"{source} line {node.Start.Line}: tensor '{tensor}' axis {axis}: 'group' must be a name");
                var block = 1;
                if (mapping.Children.TryGetValue(new YamlScalarNode("block"), out var blockNode)
                    && (blockNode is not YamlScalarNode { Value: var text } || !int.TryParse(text, out block) || block <= 0))
                {
                    throw new AlignmentException($"{source} line {blockNode.Start.Line}: tensor '{tensor}' axis {axis}: 'block' must be a positive integer");
                }

                var unknown = mapping.Children.Keys.OfType<YamlScalarNode>().FirstOrDefault(k => k.Value is not ("group" or "block"));
                if (unknown is not null)
                {
                    throw new AlignmentException($"{source} line {unknown.Start.Line}: tensor '{tensor}' axis {axis}: unknown key '{unknown.Value}' (expected 'group' and 'block')");
                }

                return new PermutedAxis(axis, group, block);
            default:
                throw new AlignmentException($"{source} line {node.Start.Line}: tensor '{tensor}' axis {axis}: expected a group name, null or {{group, block}}");
        }
    }

    private static YamlNode Child(YamlMappingNode mapping, string key, string source) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var node)
            ? node
            : throw new AlignmentException($"{source} line {mapping.Start.Line}: missing '{key}'");
}
