using System.Globalization;
using FusionCluster.Core.Specs;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Sweeps;

/// <summary>Walks the YAML representation model so that every error carries the line of the node and its key path.</summary>
internal sealed class SweepSpecReader(string sourceName, string directory)
{
    private static readonly string[] TopLevelKeys = ["name", "template", "space", "schedule", "max_concurrent", "evaluator", "objective", "promote", "out", "seed"];
    private static readonly string[] SpaceKinds = ["grid", "random", "list"];
    private static readonly string[] RandomKeys = ["count", "seed", "parameters"];
    private static readonly string[] RangeKeys = ["min", "max", "log"];
    private static readonly string[] ScheduleKeys = ["cron", "time_zone", "overlap"];
    private static readonly string[] EvaluatorKeys = ["accuracy", "tensors", "command"];
    private static readonly string[] AccuracyKeys = ["dataset", "split", "classes"];
    private static readonly string[] TensorKeys = ["compare", "base"];
    private static readonly string[] CommandKeys = ["run", "timeout"];
    private static readonly string[] ObjectiveKeys = ["metric", "direction"];
    private static readonly string[] PromoteKeys = ["best", "keep_runs"];
    private static readonly HashSet<string> NullWords = new(StringComparer.Ordinal) { "", "~", "null", "Null", "NULL" };

    // Value node -> its key node, so an error about a block value (which starts on the line below) points at the key.
    private readonly Dictionary<YamlNode, YamlNode> keyOf = new(ReferenceEqualityComparer.Instance);

    public SweepSpec Read(string yaml)
    {
        var root = LoadRoot(yaml);
        var top = ReadMapping(root, "", TopLevelKeys, "the top level of a sweep");

        var name = top.TryGetValue("name", out var nameNode) && !IsNull(nameNode)
            ? RequireString(nameNode, "name")
            : Path.GetFileNameWithoutExtension(sourceName);

        if (!top.TryGetValue("template", out var templateNode) || IsNull(templateNode))
        {
            throw Error(root, "template", "template is required: a merge spec (mapping) or the path of a spec file");
        }

        var template = ReadTemplate(templateNode);

        if (!top.TryGetValue("space", out var spaceNode) || IsNull(spaceNode))
        {
            throw Error(root, "space", "space is required: grid:, random: or list: over spec paths (or a list of those)");
        }

        var points = ReadSpace(spaceNode, template);

        var schedule = top.TryGetValue("schedule", out var scheduleNode) ? ReadSchedule(scheduleNode) : null;
        var maxConcurrent = top.TryGetValue("max_concurrent", out var concurrentNode) ? ReadInt(concurrentNode, "max_concurrent", 1, 1000) : 2;

        if (!top.TryGetValue("evaluator", out var evaluatorNode) || IsNull(evaluatorNode))
        {
            throw Error(root, "evaluator", "evaluator is required: accuracy:, tensors: and/or command:");
        }

        var evaluator = ReadEvaluator(evaluatorNode);

        if (!top.TryGetValue("objective", out var objectiveNode) || IsNull(objectiveNode))
        {
            throw Error(root, "objective", "objective is required: {metric: <name>, direction: maximize|minimize}");
        }

        var objective = ReadObjective(objectiveNode);
        var promote = top.TryGetValue("promote", out var promoteNode) && !IsNull(promoteNode) ? ReadPromote(promoteNode) : PromotePolicy.Default;

        if (!top.TryGetValue("out", out var outNode) || IsNull(outNode))
        {
            throw Error(root, "out", "out is required: the folder that receives merges, run records and best/");
        }

        var output = RequireString(outNode, "out");
        if (output.Contains("://", StringComparison.Ordinal))
        {
            throw Error(outNode, "out", $"'{output}': sweep outputs must be local folders (shared by the silos) for now, because evaluators read merged models from disk");
        }

        var seed = top.TryGetValue("seed", out var seedNode) ? ReadSeed(seedNode, "seed") : 0UL;

        return new SweepSpec
        {
            Name = name,
            Template = template,
            Points = points,
            Schedule = schedule,
            MaxConcurrent = maxConcurrent,
            Evaluator = evaluator,
            Objective = objective,
            Promote = promote,
            Output = Resolve(output),
            Seed = seed,
        };
    }

    private YamlMappingNode LoadRoot(string yaml)
    {
        var stream = SpecYaml.Load(yaml, sourceName);
        if (stream.Documents.Count != 1 || IsNull(stream.Documents[0].RootNode))
        {
            throw new SpecException($"{sourceName} line 1: expected one YAML document with template, space, evaluator, objective and out");
        }

        return stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new SpecException($"{sourceName} line {stream.Documents[0].RootNode.Start.Line}: the top level must be a mapping (template: ..., space: ...)");
    }

    private SweepTemplate ReadTemplate(YamlNode node)
    {
        if (node is YamlMappingNode inline)
        {
            return new SweepTemplate(inline, directory, $"{sourceName} template");
        }

        var file = Resolve(RequireString(node, "template"));
        YamlStream stream = new();
        try
        {
            stream.Load(new StringReader(File.ReadAllText(file)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or YamlException)
        {
            throw Error(node, "template", $"cannot read the merge spec '{file}': {e.Message}");
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw Error(node, "template", $"'{file}' is not a merge spec (one YAML mapping)");
        }

        return new SweepTemplate(root, Path.GetDirectoryName(file)!, Path.GetFileName(file));
    }

    private List<SweepPoint> ReadSpace(YamlNode node, SweepTemplate template)
    {
        var parts = node is YamlSequenceNode sequence
            ? sequence.Children.Select((child, i) => (Node: child, Path: $"space[{i}]")).ToList()
            : [(node, "space")];
        if (parts.Count == 0)
        {
            throw Error(node, "space", "the list is empty; give at least one grid:, random: or list:");
        }

        var points = new List<SweepPoint>();
        foreach (var (partNode, path) in parts)
        {
            var part = ReadMapping(partNode, path, SpaceKinds, "a parameter space");
            if (part.Count != 1)
            {
                throw Error(partNode, path, $"give exactly one of grid:, random: or list: (got {part.Count})");
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
                throw Error(body, bodyPath, $"the space has more than {SweepSpecParser.MaxPoints} points; split the sweep");
            }

            foreach (var values in assignments)
            {
                var point = new SweepPoint(points.Count, values);
                try
                {
                    template.Instantiate(point);
                }
                catch (SpecException e)
                {
                    throw Error(body, bodyPath, e.Message);
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
                throw Error(value, keyPath, "the list of values is empty");
            }

            axes.Add((key, values));
        }

        var points = new List<List<ParameterAssignment>> { new() };
        foreach (var (axis, values) in axes)
        {
            points = points.SelectMany(p => values.Select(v => new List<ParameterAssignment>(p) { new(axis, v) })).ToList();
            if (points.Count > SweepSpecParser.MaxPoints)
            {
                throw Error(node, path, $"the grid has more than {SweepSpecParser.MaxPoints} points; split the sweep");
            }
        }

        return points;
    }

    private List<List<ParameterAssignment>> ReadRandom(YamlNode node, string path)
    {
        var map = ReadMapping(node, path, RandomKeys, "a random space");
        if (!map.TryGetValue("count", out var countNode))
        {
            throw Error(node, $"{path}.count", "count is required: how many points to draw");
        }

        var count = ReadInt(countNode, $"{path}.count", 1, SweepSpecParser.MaxPoints);
        var seed = map.TryGetValue("seed", out var seedNode) ? ReadSeed(seedNode, $"{path}.seed") : 0UL;
        if (!map.TryGetValue("parameters", out var parametersNode))
        {
            throw Error(node, $"{path}.parameters", "parameters is required: spec paths with a list of choices or {min, max}");
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
                throw Error(node, path, "the list of choices is empty");
            }

            var options = choices.Children.ToList();
            return random => options[random.NextInt(options.Count)];
        }

        var map = ReadMapping(node, path, RangeKeys, "a range {min, max} or a list of choices");
        if (!map.TryGetValue("min", out var minNode) || !map.TryGetValue("max", out var maxNode))
        {
            throw Error(node, path, "a range needs both min and max");
        }

        var min = ReadNumber(minNode, $"{path}.min");
        var max = ReadNumber(maxNode, $"{path}.max");
        var log = map.TryGetValue("log", out var logNode) && ReadBool(logNode, $"{path}.log");
        if (!(max > min))
        {
            throw Error(node, path, $"max ({max}) must be greater than min ({min})");
        }

        if (log && !(min > 0))
        {
            throw Error(node, path, "a log range needs min > 0");
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
            throw Error(node, path, "expected a non-empty list of points, each a mapping of spec paths to values");
        }

        return list.Children
            .Select((entry, i) => ReadPathMapping(entry, $"{path}[{i}]").Select(a => new ParameterAssignment(a.Path, a.Value)).ToList())
            .ToList();
    }

    private List<(SpecPath Path, YamlNode Value, string KeyPath)> ReadPathMapping(YamlNode node, string path)
    {
        if (node is not YamlMappingNode mapping || mapping.Children.Count == 0)
        {
            throw Error(node, path, "expected a mapping of spec paths (e.g. models[1].parameters.weight) to values");
        }

        var result = new List<(SpecPath, YamlNode, string)>();
        foreach (var (keyNode, value) in mapping.Children)
        {
            var text = keyNode is YamlScalarNode { Value: { } k } ? k : throw Error(keyNode, path, "keys must be spec paths");
            var keyPath = $"{path}.{text}";
            keyOf[value] = keyNode;
            try
            {
                result.Add((SpecPath.Parse(text), value, keyPath));
            }
            catch (FormatException e)
            {
                throw Error(keyNode, keyPath, e.Message);
            }
        }

        return result;
    }

    private SweepSchedule? ReadSchedule(YamlNode node)
    {
        if (IsNull(node) || node is YamlScalarNode { Value: "none" })
        {
            return null;
        }

        string cron;
        var zone = "UTC";
        var overlap = OverlapPolicy.Skip;
        if (node is YamlScalarNode)
        {
            cron = RequireString(node, "schedule");
        }
        else
        {
            var map = ReadMapping(node, "schedule", ScheduleKeys, "a schedule");
            if (!map.TryGetValue("cron", out var cronNode))
            {
                throw Error(node, "schedule.cron", "cron is required (e.g. cron: \"0 3 * * *\"), or write schedule: none");
            }

            cron = RequireString(cronNode, "schedule.cron");
            if (map.TryGetValue("time_zone", out var zoneNode))
            {
                zone = RequireString(zoneNode, "schedule.time_zone");
            }

            if (map.TryGetValue("overlap", out var overlapNode))
            {
                overlap = RequireString(overlapNode, "schedule.overlap") switch
                {
                    "skip" => OverlapPolicy.Skip,
                    "queue" => OverlapPolicy.Queue,
                    var other => throw Error(overlapNode, "schedule.overlap", $"'{other}': expected skip or queue"),
                };
            }
        }

        try
        {
            return new SweepSchedule(cron, zone, overlap);
        }
        catch (FormatException e)
        {
            throw Error(node, "schedule", e.Message);
        }
    }

    private SweepEvaluatorSpec ReadEvaluator(YamlNode node)
    {
        var map = ReadMapping(node, "evaluator", EvaluatorKeys, "an evaluator");
        AccuracyEvaluatorSpec? accuracy = null;
        TensorEvaluatorSpec? tensors = null;
        CommandEvaluatorSpec? command = null;
        if (map.TryGetValue("accuracy", out var accuracyNode))
        {
            var a = ReadMapping(accuracyNode, "evaluator.accuracy", AccuracyKeys, "an accuracy evaluator");
            if (!a.TryGetValue("dataset", out var datasetNode))
            {
                throw Error(accuracyNode, "evaluator.accuracy.dataset", "dataset is required: a dataset file (fusion dataset mnist writes one)");
            }

            var split = a.TryGetValue("split", out var splitNode) ? RequireString(splitNode, "evaluator.accuracy.split") : "held-out";
            if (split is not ("held-out" or "train" or "all"))
            {
                throw Error(splitNode!, "evaluator.accuracy.split", $"'{split}': expected held-out, train or all");
            }

            var classes = a.TryGetValue("classes", out var classesNode) ? ReadClasses(classesNode, "evaluator.accuracy.classes") : null;
            accuracy = new AccuracyEvaluatorSpec(Resolve(RequireString(datasetNode, "evaluator.accuracy.dataset")), split, classes);
        }

        if (map.TryGetValue("tensors", out var tensorsNode))
        {
            var t = ReadMapping(tensorsNode, "evaluator.tensors", TensorKeys, "a tensor-metrics evaluator");
            var compare = new List<KeyValuePair<string, string>>();
            if (t.TryGetValue("compare", out var compareNode))
            {
                var list = compareNode as YamlSequenceNode ?? throw Error(compareNode, "evaluator.tensors.compare", "expected a list of model folders");
                for (var i = 0; i < list.Children.Count; i++)
                {
                    var reference = RequireString(list.Children[i], $"evaluator.tensors.compare[{i}]");
                    if (compare.Exists(c => c.Key == reference))
                    {
                        throw Error(list.Children[i], $"evaluator.tensors.compare[{i}]", $"'{reference}' is listed twice");
                    }

                    compare.Add(new(reference, Resolve(reference)));
                }
            }

            var baseModel = t.TryGetValue("base", out var baseNode) ? Resolve(RequireString(baseNode, "evaluator.tensors.base")) : null;
            if (compare.Count == 0 && baseModel is null)
            {
                throw Error(tensorsNode, "evaluator.tensors", "give compare: (models) and/or base:");
            }

            tensors = new TensorEvaluatorSpec(compare, baseModel);
        }

        if (map.TryGetValue("command", out var commandNode))
        {
            string run;
            var timeout = 600.0;
            if (commandNode is YamlScalarNode)
            {
                run = RequireString(commandNode, "evaluator.command");
            }
            else
            {
                var c = ReadMapping(commandNode, "evaluator.command", CommandKeys, "a command evaluator");
                run = c.TryGetValue("run", out var runNode) ? RequireString(runNode, "evaluator.command.run") : throw Error(commandNode, "evaluator.command.run", "run is required: the command line ({model} is the merged model's folder)");
                if (c.TryGetValue("timeout", out var timeoutNode))
                {
                    timeout = ReadNumber(timeoutNode, "evaluator.command.timeout");
                    if (!(timeout > 0) || double.IsInfinity(timeout))
                    {
                        throw Error(timeoutNode, "evaluator.command.timeout", "expected a positive number of seconds");
                    }
                }
            }

            command = new CommandEvaluatorSpec(run, timeout, directory);
        }

        if (accuracy is null && tensors is null && command is null)
        {
            throw Error(node, "evaluator", "give at least one of accuracy:, tensors: or command:");
        }

        return new SweepEvaluatorSpec(accuracy, tensors, command);
    }

    private IReadOnlyList<int> ReadClasses(YamlNode node, string path)
    {
        var classes = new SortedSet<int>();
        if (node is YamlSequenceNode list)
        {
            for (var i = 0; i < list.Children.Count; i++)
            {
                classes.Add(ReadInt(list.Children[i], $"{path}[{i}]", 0, 255));
            }
        }
        else
        {
            var text = RequireString(node, path);
            foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
            {
                var bounds = part.Split('-', StringSplitOptions.TrimEntries);
                if (bounds.Length is < 1 or > 2 || !bounds.All(b => int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c <= 255)
                    || int.Parse(bounds[^1], CultureInfo.InvariantCulture) < int.Parse(bounds[0], CultureInfo.InvariantCulture))
                {
                    throw Error(node, path, $"'{text}': expected class numbers or ranges such as 0-3,7");
                }

                for (var c = int.Parse(bounds[0], CultureInfo.InvariantCulture); c <= int.Parse(bounds[^1], CultureInfo.InvariantCulture); c++)
                {
                    classes.Add(c);
                }
            }
        }

        return classes.Count > 0 ? [.. classes] : throw Error(node, path, "the list of classes is empty");
    }

    private SweepObjective ReadObjective(YamlNode node)
    {
        if (node is YamlScalarNode)
        {
            return new SweepObjective(RequireString(node, "objective"), ObjectiveDirection.Maximize);
        }

        var map = ReadMapping(node, "objective", ObjectiveKeys, "an objective");
        var metric = map.TryGetValue("metric", out var metricNode)
            ? RequireString(metricNode, "objective.metric")
            : throw Error(node, "objective.metric", "metric is required (e.g. accuracy)");
        var direction = !map.TryGetValue("direction", out var directionNode)
            ? ObjectiveDirection.Maximize
            : RequireString(directionNode, "objective.direction") switch
            {
                "maximize" or "max" => ObjectiveDirection.Maximize,
                "minimize" or "min" => ObjectiveDirection.Minimize,
                var other => throw Error(directionNode, "objective.direction", $"'{other}': expected maximize or minimize"),
            };
        return new SweepObjective(metric, direction);
    }

    private PromotePolicy ReadPromote(YamlNode node)
    {
        var map = ReadMapping(node, "promote", PromoteKeys, "a promote policy");
        var best = !map.TryGetValue("best", out var bestNode) || ReadBool(bestNode, "promote.best");
        var keep = map.TryGetValue("keep_runs", out var keepNode) ? ReadInt(keepNode, "promote.keep_runs", 1, 10_000) : PromotePolicy.Default.KeepRuns;
        return new PromotePolicy(best, keep);
    }

    private string Resolve(string path) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(directory, path)));

    private Dictionary<string, YamlNode> ReadMapping(YamlNode node, string path, string[] allowed, string what)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw Error(node, path.Length == 0 ? "(top level)" : path, $"expected {what} (a mapping with keys {string.Join(", ", allowed)}), got {Describe(node)}");
        }

        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = keyNode is YamlScalarNode { Value: { } k } ? k : throw Error(keyNode, path, "keys must be plain strings");
            var keyPath = path.Length == 0 ? key : $"{path}.{key}";
            if (Array.IndexOf(allowed, key) < 0)
            {
                throw Error(keyNode, keyPath, $"unknown key '{key}' in {what}; allowed keys: {string.Join(", ", allowed)}");
            }

            keyOf[valueNode] = keyNode;
            result[key] = valueNode;
        }

        return result;
    }

    private string RequireString(YamlNode node, string path) =>
        node is YamlScalarNode { Value: { Length: > 0 } value } && !IsNull(node) ? value.Trim() : throw Error(node, path, $"expected a non-empty string, got {Describe(node)}");

    private int ReadInt(YamlNode node, string path, int min, int max) =>
        node is YamlScalarNode { Value: { } text } && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Error(node, path, $"expected an integer from {min} to {max}, got {Describe(node)}");

    private ulong ReadSeed(YamlNode node, string path) =>
        node is YamlScalarNode { Value: { } text } && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error(node, path, $"expected a non-negative integer, got {Describe(node)}");

    private double ReadNumber(YamlNode node, string path) =>
        node is YamlScalarNode { Value: { } text } && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw Error(node, path, $"expected a number, got {Describe(node)}");

    private bool ReadBool(YamlNode node, string path) => node is YamlScalarNode { Value: { } text }
        ? text switch
        {
            "true" or "True" or "yes" => true,
            "false" or "False" or "no" => false,
            _ => throw Error(node, path, $"expected true or false, got {Describe(node)}"),
        }
        : throw Error(node, path, $"expected true or false, got {Describe(node)}");

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode scalar && scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && NullWords.Contains(scalar.Value ?? "");

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "nothing (null)",
        YamlScalarNode s => $"'{s.Value}'",
        _ => node.NodeType.ToString(),
    };

    private SpecException Error(YamlNode node, string path, string message)
    {
        var line = keyOf.TryGetValue(node, out var key) ? key.Start.Line : node.Start.Line;
        return new SpecException($"{sourceName} line {line}: {path}: {message}");
    }
}
