using FusionCluster.Core.Specs;
using FusionCluster.Core.Specs.Yaml;
using FusionCluster.Core.Storage;
using YamlDotNet.RepresentationModel;
using static FusionCluster.Core.Specs.Yaml.YamlScalars;

namespace FusionCluster.Core.Sweeps;

/// <summary>
/// Walks the YAML representation model so that every error carries the line of the node and its key path. The top
/// level, template, schedule, objective and promote policy are read here; the space and the evaluators by their
/// section readers. A template file is read through <paramref name="roots"/>, the data roots of the process that reads the
/// sweep (silo, dashboard, CLI), like every other local file it opens.
/// </summary>
internal sealed class SweepSpecReader(string sourceName, string directory, LocalRoots roots)
{
    private static readonly string[] TopLevelKeys = ["name", "kind", "template", "connect", "space", "schedule", "max_concurrent", "evaluator", "objective", "promote", "out", "seed", "baselines", "outputs"];
    private static readonly string[] OutputsKeys = ["publish", "keep"];
    private static readonly string[] ScheduleKeys = ["cron", "time_zone", "overlap"];
    private static readonly string[] ObjectiveKeys = ["metric", "direction"];
    private static readonly string[] PromoteKeys = ["best", "keep_runs"];

    private readonly YamlNodeReader yaml = new(sourceName);
    private readonly SweepFolder folder = new(directory);

    public SweepSpec Read(string text)
    {
        var root = LoadRoot(text);
        var top = yaml.ReadMapping(root, "", TopLevelKeys, "the top level of a sweep");

        var name = top.TryGetValue("name", out var nameNode) && !IsNull(nameNode)
            ? yaml.RequireString(nameNode, "name")
            : Path.GetFileNameWithoutExtension(sourceName);

        var kind = ReadKind(top);
        SweepTemplate? template = null;
        ConnectSweepTemplate? connect = null;
        if (kind == SweepKind.Connect)
        {
            foreach (var key in new[] { "template", "evaluator", "baselines" })
            {
                if (top.TryGetValue(key, out var refused))
                {
                    throw yaml.Error(refused, key, "a sweep of kind connect has no " + key + ": its points run fusion connect, whose loss_barrier, accuracy_barrier (or perplexity_barrier) are the metrics");
                }
            }

            if (!top.TryGetValue("connect", out var connectNode) || IsNull(connectNode))
            {
                throw yaml.Error(root, "connect", "connect is required for kind: connect: {a, b, dataset or text, align, repair, points, curve, ...}");
            }

            // Its keys are checked here, where the lines are the file's; its values point by point, once the space has set them.
            yaml.ReadMapping(connectNode, "connect", ConnectSweepTemplate.Keys, "the connect section");
            connect = new ConnectSweepTemplate((YamlMappingNode)connectNode, folder, $"{sourceName} connect");
        }
        else
        {
            if (top.TryGetValue("connect", out var connectNode))
            {
                throw yaml.Error(connectNode, "connect", "connect: is the section of a sweep of kind: connect; add kind: connect, or remove it");
            }

            if (!top.TryGetValue("template", out var templateNode) || IsNull(templateNode))
            {
                throw yaml.Error(root, "template", "template is required: a merge spec (mapping) or the path of a spec file");
            }

            template = ReadTemplate(templateNode);
        }

        if (!top.TryGetValue("space", out var spaceNode) || IsNull(spaceNode))
        {
            throw yaml.Error(root, "space", "space is required: grid:, random: or list: over spec paths (or a list of those)");
        }

        // A parameter no point's method takes is a typo (models[*].parameters.wieght): refused now, before anything runs.
        // One that only some points' methods take (density over merge_method: [ties, linear]) fails those points alone.
        var unknownParameters = new List<string>();
        var points = new SweepSpaceReader(yaml).Read(spaceNode, template is not null
            ? point =>
            {
                if (template.UnknownParameters(template.Instantiate(point)) is { } unknown)
                {
                    unknownParameters.Add(unknown);
                }
            }
            : point => connect!.Instantiate(point));
        if (points.Count > 0 && unknownParameters.Count == points.Count)
        {
            throw yaml.Error(spaceNode, "space", $"no point makes a merge spec its method takes: {unknownParameters[0]}");
        }

        var schedule = top.TryGetValue("schedule", out var scheduleNode) ? ReadSchedule(scheduleNode) : null;
        var maxConcurrent = top.TryGetValue("max_concurrent", out var concurrentNode) ? yaml.ReadInt(concurrentNode, "max_concurrent", 1, 1000) : 2;

        SweepEvaluatorSpec evaluator;
        if (kind == SweepKind.Connect)
        {
            evaluator = new SweepEvaluatorSpec(null, null, null);
        }
        else if (!top.TryGetValue("evaluator", out var evaluatorNode) || IsNull(evaluatorNode))
        {
            throw yaml.Error(root, "evaluator", "evaluator is required: accuracy:, tensors: and/or command:");
        }
        else
        {
            evaluator = new SweepEvaluatorReader(yaml, folder).Read(evaluatorNode);
        }

        SweepObjective objective;
        if (top.TryGetValue("objective", out var objectiveNode) && !IsNull(objectiveNode))
        {
            objective = ReadObjective(objectiveNode);
        }
        else
        {
            // A connect sweep looks for the options that connect the two models best: the lowest loss barrier.
            objective = kind == SweepKind.Connect
                ? new SweepObjective("loss_barrier", ObjectiveDirection.Minimize)
                : throw yaml.Error(root, "objective", "objective is required: {metric: <name>, direction: maximize|minimize}");
        }

        var promote = top.TryGetValue("promote", out var promoteNode) && !IsNull(promoteNode) ? ReadPromote(promoteNode, kind) : PromotePolicy.Default;
        if (kind == SweepKind.Connect)
        {
            promote = promote with { CopyBest = false };
        }

        if (!top.TryGetValue("out", out var outNode) || IsNull(outNode))
        {
            throw yaml.Error(root, "out", "out is required: the folder that receives merges, run records and best/");
        }

        var output = yaml.RequireString(outNode, "out");
        var isBlob = output.StartsWith("az://", StringComparison.OrdinalIgnoreCase);
        if (!isBlob && output.Contains("://", StringComparison.Ordinal))
        {
            throw yaml.Error(outNode, "out", $"'{output}': a sweep's output is a local folder (shared by the silos) or a blob prefix az://<container>/<prefix>");
        }

        var seed = top.TryGetValue("seed", out var seedNode) ? yaml.ReadSeed(seedNode, "seed") : 0UL;
        var baselines = top.TryGetValue("baselines", out var baselinesNode) && !IsNull(baselinesNode) ? ReadBaselines(baselinesNode) : [];

        var outputs = top.TryGetValue("outputs", out var outputsNode) && !IsNull(outputsNode) ? ReadOutputs(outputsNode, evaluator) : SweepOutputs.All;
        if (kind != SweepKind.Connect && !EvaluatorMetricNames.MayReport(evaluator, objective.Metric))
        {
            throw yaml.Error(
                objectiveNode!,
                "objective.metric",
                $"'{objective.Metric}' is not a metric of this sweep's evaluator, which reports {string.Join(", ", EvaluatorMetricNames.Of(evaluator)!)}");
        }

        return new SweepSpec
        {
            Name = name,
            Kind = kind,
            Template = template,
            Connect = connect,
            Points = points,
            Schedule = schedule,
            MaxConcurrent = maxConcurrent,
            Evaluator = evaluator,
            Objective = objective,
            Promote = promote,
            Output = isBlob ? output : Resolve(output),
            Seed = seed,
            Baselines = baselines,
            Outputs = outputs,
        };
    }

    private List<string> ReadBaselines(YamlNode node)
    {
        var baselines = new List<string>();
        var items = yaml.ReadSequence(node, "baselines");
        for (var i = 0; i < items.Count; i++)
        {
            var value = yaml.RequireString(items[i], $"baselines[{i}]");
            if (!SweepBaselines.Known.Contains(value, StringComparer.Ordinal))
            {
                throw yaml.Error(items[i], $"baselines[{i}]", $"'{value}': expected {string.Join(", ", SweepBaselines.Known)}");
            }

            if (!baselines.Contains(value, StringComparer.Ordinal))
            {
                baselines.Add(value);
            }
        }

        return baselines;
    }

    private SweepOutputs ReadOutputs(YamlNode node, SweepEvaluatorSpec evaluator)
    {
        var map = yaml.ReadMapping(node, "outputs", OutputsKeys, "an outputs policy");
        var publish = !map.TryGetValue("publish", out var publishNode)
            ? OutputPublishing.All
            : yaml.RequireString(publishNode, "outputs.publish") switch
            {
                "all" => OutputPublishing.All,
                "best" => OutputPublishing.Best,
                var other => throw yaml.Error(publishNode, "outputs.publish", $"'{other}': expected all or best"),
            };
        if (publish == OutputPublishing.All)
        {
            if (map.TryGetValue("keep", out var ignoredKeep))
            {
                throw yaml.Error(ignoredKeep, "outputs.keep", "keep applies to publish: best (with publish: all every merge is published)");
            }

            return SweepOutputs.All;
        }

        // In-job scoring sums the merged tensors as units produce them; evaluators that run the model need it written.
        if (evaluator.Tensors is null || evaluator.Accuracy is not null || evaluator.Command is not null || evaluator.Perplexity is not null)
        {
            throw yaml.Error(
                publishNode!,
                "outputs.publish",
                "publish: best scores every point inside its merge job, which only the tensors evaluator can (accuracy, perplexity and command need the written model); use the tensors evaluator alone, or publish: all");
        }

        var keep = map.TryGetValue("keep", out var keepNode) ? yaml.ReadInt(keepNode, "outputs.keep", 1, 10_000) : 1;
        return new SweepOutputs(OutputPublishing.Best, keep);
    }

    private YamlMappingNode LoadRoot(string text)
    {
        var stream = SpecYaml.Load(text, sourceName);
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
            return new SweepTemplate(inline, folder.Directory, $"{sourceName} template");
        }

        var file = Resolve(yaml.RequireString(node, "template"));
        YamlStream stream;
        try
        {
            stream = SpecYaml.Load(SpecYaml.ReadText(file, "merge spec", roots), file);
        }
        catch (SpecException e)
        {
            throw yaml.Error(node, "template", $"cannot read the merge spec '{file}': {e.Message}");
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw yaml.Error(node, "template", $"'{file}' is not a merge spec (one YAML mapping)");
        }

        return new SweepTemplate(root, Path.GetDirectoryName(file)!, Path.GetFileName(file));
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
            cron = yaml.RequireString(node, "schedule");
        }
        else
        {
            var map = yaml.ReadMapping(node, "schedule", ScheduleKeys, "a schedule");
            if (!map.TryGetValue("cron", out var cronNode))
            {
                throw yaml.Error(node, "schedule.cron", "cron is required (e.g. cron: \"0 3 * * *\"), or write schedule: none");
            }

            cron = yaml.RequireString(cronNode, "schedule.cron");
            if (map.TryGetValue("time_zone", out var zoneNode))
            {
                zone = yaml.RequireString(zoneNode, "schedule.time_zone");
            }

            if (map.TryGetValue("overlap", out var overlapNode))
            {
                overlap = yaml.RequireString(overlapNode, "schedule.overlap") switch
                {
                    "skip" => OverlapPolicy.Skip,
                    "queue" => OverlapPolicy.Queue,
                    var other => throw yaml.Error(overlapNode, "schedule.overlap", $"'{other}': expected skip or queue"),
                };
            }
        }

        try
        {
            return new SweepSchedule(cron, zone, overlap);
        }
        catch (FormatException e)
        {
            throw yaml.Error(node, "schedule", e.Message);
        }
    }

    private SweepObjective ReadObjective(YamlNode node)
    {
        if (node is YamlScalarNode)
        {
            var named = yaml.RequireString(node, "objective");
            return new SweepObjective(named, SweepObjective.DefaultDirection(named));
        }

        var map = yaml.ReadMapping(node, "objective", ObjectiveKeys, "an objective");
        var metric = map.TryGetValue("metric", out var metricNode)
            ? yaml.RequireString(metricNode, "objective.metric")
            : throw yaml.Error(node, "objective.metric", "metric is required (e.g. accuracy)");
        var direction = !map.TryGetValue("direction", out var directionNode)
            ? SweepObjective.DefaultDirection(metric)
            : yaml.RequireString(directionNode, "objective.direction") switch
            {
                "maximize" or "max" => ObjectiveDirection.Maximize,
                "minimize" or "min" => ObjectiveDirection.Minimize,
                var other => throw yaml.Error(directionNode, "objective.direction", $"'{other}': expected maximize or minimize"),
            };
        return new SweepObjective(metric, direction);
    }

    private SweepKind ReadKind(Dictionary<string, YamlNode> top)
    {
        if (!top.TryGetValue("kind", out var node) || IsNull(node))
        {
            return SweepKind.Merge;
        }

        return yaml.RequireString(node, "kind") switch
        {
            "merge" => SweepKind.Merge,
            "connect" => SweepKind.Connect,
            var other => throw yaml.Error(node, "kind", $"'{other}': expected merge or connect"),
        };
    }

    private PromotePolicy ReadPromote(YamlNode node, SweepKind kind)
    {
        var map = yaml.ReadMapping(node, "promote", PromoteKeys, "a promote policy");
        if (kind == SweepKind.Connect && map.TryGetValue("best", out var refused) && yaml.ReadBool(refused, "promote.best"))
        {
            throw yaml.Error(refused, "promote.best", "a connect sweep publishes path results, not a model to promote; keep_runs is its only promote key");
        }

        var best = !map.TryGetValue("best", out var bestNode) || yaml.ReadBool(bestNode, "promote.best");
        var keep = map.TryGetValue("keep_runs", out var keepNode) ? yaml.ReadInt(keepNode, "promote.keep_runs", 1, 10_000) : PromotePolicy.Default.KeepRuns;
        return new PromotePolicy(best, keep);
    }

    private string Resolve(string path) => folder.Resolve(path);
}
