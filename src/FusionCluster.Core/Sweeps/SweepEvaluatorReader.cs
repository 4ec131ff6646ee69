using FusionCluster.Core.Specs.Yaml;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Sweeps;

/// <summary>
/// Reads a sweep's <c>evaluator:</c> section. Each evaluator kind has its own section reader; a new kind adds
/// its key here, one line below, and its reader.
/// </summary>
internal sealed class SweepEvaluatorReader(YamlNodeReader yaml, SweepFolder folder)
{
    private static readonly string[] EvaluatorKeys = ["accuracy", "tensors", "command", "perplexity"];

    public SweepEvaluatorSpec Read(YamlNode node)
    {
        var map = yaml.ReadMapping(node, "evaluator", EvaluatorKeys, "an evaluator");
        var accuracy = map.TryGetValue("accuracy", out var accuracyNode) ? new AccuracyEvaluatorReader(yaml, folder).Read(accuracyNode, "evaluator.accuracy") : null;
        var tensors = map.TryGetValue("tensors", out var tensorsNode) ? new TensorEvaluatorReader(yaml, folder).Read(tensorsNode, "evaluator.tensors") : null;
        var command = map.TryGetValue("command", out var commandNode) ? new CommandEvaluatorReader(yaml, folder).Read(commandNode, "evaluator.command") : null;
        var perplexity = map.TryGetValue("perplexity", out var perplexityNode) ? new PerplexityEvaluatorReader(yaml, folder).Read(perplexityNode, "evaluator.perplexity") : null;
        if (accuracy is null && tensors is null && command is null && perplexity is null)
        {
            throw yaml.Error(node, "evaluator", $"give at least one of {string.Join(", ", EvaluatorKeys.Select(k => k + ":"))}");
        }

        return new SweepEvaluatorSpec(accuracy, tensors, command, perplexity);
    }
}
