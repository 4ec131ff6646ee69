using System.Globalization;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Specs.Yaml;
using YamlDotNet.RepresentationModel;
using static FusionCluster.Core.Specs.Yaml.YamlScalars;

namespace FusionCluster.Core.Sweeps;

/// <summary>Reads a sweep's <c>space:</c>: grid, random and list parts over spec paths, each point checked against the template.</summary>
internal sealed class SweepSpaceReader(YamlNodeReader yaml)
{
    private static readonly string[] SpaceKinds = ["grid", "random", "list"];
    private static readonly string[] RandomKeys = ["count", "seed", "parameters"];
    private static readonly string[] RangeKeys = ["min", "max", "log"];

    /// <param name="check">Validates one point against the template (throws <see cref="SpecException"/>).</param>
    public List<SweepPoint> Read(YamlNode node, Action<SweepPoint> check)
    {
        var parts = node is YamlSequenceNode sequence
            ? sequence.Children.Select((child, i) => (Node: child, Path: $"space[{i}]")).ToList()
            : [(node, "space")];
        if (parts.Count == 0)
        {
            throw yaml.Error(node, "space", "the list is empty; give at least one grid:, random: or list:");
        }

        var points = new List<SweepPoint>();
        foreach (var (partNode, path) in parts)
        {
            var part = yaml.ReadMapping(partNode, path, SpaceKinds, "a parameter space");
            if (part.Count != 1)
            {
                throw yaml.Error(partNode, path, $"give exactly one of grid:, random: or list: (got {part.Count})");
            }

            var (kind, body) = part.Single();
            var bodyPath = $"{path}.{kind}";
            var assignments = kind switch
            {
                "grid" => ReadGrid(body, bodyPath),
                "random" => ReadRandom(body, bodyPath),
                _ => ReadList(body, bodyPath),
            };
            if (points.Count + assignments.Count > SweepSpecParser.MaxPoints)
            {
                throw yaml.Error(body, bodyPath, $"the space has more than {SweepSpecParser.MaxPoints} points; split the sweep");
            }

            foreach (var values in assignments)
            {
                var point = new SweepPoint(points.Count, values);
                try
                {
                    check(point);
                }
                catch (SpecException e)
                {
                    throw yaml.Error(body, bodyPath, e.Message);
                }

                points.Add(point);
            }
        }

        return points;
    }

    /// <summary>The cartesian product of the axes, the first axis varying slowest (as nested loops in the order written).</summary>
    private List<List<ParameterAssignment>> ReadGrid(YamlNode node, string path)
    {
        var axes = new List<(SpecPath Path, IReadOnlyList<YamlNode> Values)>();
        foreach (var (key, value, keyPath) in ReadPathMapping(node, path))
        {
            var values = value is YamlSequenceNode list ? list.Children.ToList() : [value];
            if (values.Count == 0)
            {
                throw yaml.Error(value, keyPath, "the list of values is empty");
            }

            axes.Add((key, values));
        }

        var points = new List<List<ParameterAssignment>> { new() };
        foreach (var (axis, values) in axes)
        {
            points = points.SelectMany(p => values.Select(v => new List<ParameterAssignment>(p) { new(axis, v) })).ToList();
            if (points.Count > SweepSpecParser.MaxPoints)
            {
                throw yaml.Error(node, path, $"the grid has more than {SweepSpecParser.MaxPoints} points; split the sweep");
            }
        }

        return points;
    }

    private List<List<ParameterAssignment>> ReadRandom(YamlNode node, string path)
    {
        var map = yaml.ReadMapping(node, path, RandomKeys, "a random space");
        if (!map.TryGetValue("count", out var countNode))
        {
            throw yaml.Error(node, $"{path}.count", "count is required: how many points to draw");
        }

        var count = yaml.ReadInt(countNode, $"{path}.count", 1, SweepSpecParser.MaxPoints);
        var seed = map.TryGetValue("seed", out var seedNode) ? yaml.ReadSeed(seedNode, $"{path}.seed") : 0UL;
        if (!map.TryGetValue("parameters", out var parametersNode))
        {
            throw yaml.Error(node, $"{path}.parameters", "parameters is required: spec paths with a list of choices or {min, max}");
        }

        var draws = new List<Func<SplitMix64, YamlNode>>();
        var paths = new List<SpecPath>();
        foreach (var (key, value, keyPath) in ReadPathMapping(parametersNode, $"{path}.parameters"))
        {
            paths.Add(key);
            draws.Add(ReadDistribution(value, keyPath));
        }

        // One generator for the whole space, drawn point by point and path by path: the same sweep gives the same points.
        var random = new SplitMix64(seed);
        var points = new List<List<ParameterAssignment>>();
        for (var i = 0; i < count; i++)
        {
            points.Add(paths.Select((p, k) => new ParameterAssignment(p, draws[k](random))).ToList());
        }

        return points;
    }

    private Func<SplitMix64, YamlNode> ReadDistribution(YamlNode node, string path)
    {
        if (node is YamlSequenceNode choices)
        {
            if (choices.Children.Count == 0)
            {
                throw yaml.Error(node, path, "the list of choices is empty");
            }

            var options = choices.Children.ToList();
            return random => options[random.NextInt(options.Count)];
        }

        var map = yaml.ReadMapping(node, path, RangeKeys, "a range {min, max} or a list of choices");
        if (!map.TryGetValue("min", out var minNode) || !map.TryGetValue("max", out var maxNode))
        {
            throw yaml.Error(node, path, "a range needs both min and max");
        }

        var min = yaml.ReadNumber(minNode, $"{path}.min");
        var max = yaml.ReadNumber(maxNode, $"{path}.max");
        var log = map.TryGetValue("log", out var logNode) && yaml.ReadBool(logNode, $"{path}.log");
        if (!(max > min))
        {
            throw yaml.Error(node, path, $"max ({max}) must be greater than min ({min})");
        }

        if (log && !(min > 0))
        {
            throw yaml.Error(node, path, "a log range needs min > 0");
        }

        return random =>
        {
            var u = random.NextDouble();
            var value = log ? Math.Exp(Math.Log(min) + (u * (Math.Log(max) - Math.Log(min)))) : min + (u * (max - min));

            // Six significant digits keep labels and specs readable; the value is what the spec then says.
            return new YamlScalarNode(value.ToString("G6", CultureInfo.InvariantCulture));
        };
    }

    private List<List<ParameterAssignment>> ReadList(YamlNode node, string path)
    {
        if (node is not YamlSequenceNode list || list.Children.Count == 0)
        {
            throw yaml.Error(node, path, "expected a non-empty list of points, each a mapping of spec paths to values");
        }

        return list.Children
            .Select((entry, i) => ReadPathMapping(entry, $"{path}[{i}]").Select(a => new ParameterAssignment(a.Path, a.Value)).ToList())
            .ToList();
    }

    private List<(SpecPath Path, YamlNode Value, string KeyPath)> ReadPathMapping(YamlNode node, string path)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw yaml.Error(node, path, "expected a mapping of spec paths (e.g. models[1].parameters.weight) to values");
        }

        if (mapping.Children.Count == 0)
        {
            throw yaml.Error(node, path, "the mapping is empty: give at least one spec path (e.g. models[1].parameters.weight) and its values");
        }

        var result = new List<(SpecPath, YamlNode, string)>();
        foreach (var (keyNode, value) in mapping.Children)
        {
            var text = keyNode is YamlScalarNode { Value: { } k } ? k : throw yaml.Error(keyNode, path, "keys must be spec paths");
            var keyPath = $"{path}.{text}";
            yaml.NoteKey(value, keyNode);
            try
            {
                result.Add((SpecPath.Parse(text), value, keyPath));
            }
            catch (FormatException e)
            {
                throw yaml.Error(keyNode, keyPath, e.Message);
            }
        }

        return result;
    }
}
