using FusionCluster.Core.Specs.Yaml;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Sweeps;

/// <summary>Reads <c>evaluator.command</c>: a command line (or {run, timeout}) that prints metrics for a merged model.</summary>
internal sealed class CommandEvaluatorReader(YamlNodeReader yaml, SweepFolder folder)
{
    private const double DefaultTimeoutSeconds = 600;

    private static readonly string[] CommandKeys = ["run", "timeout"];

    public CommandEvaluatorSpec Read(YamlNode node, string path)
    {
        if (node is YamlScalarNode)
        {
            return new CommandEvaluatorSpec(yaml.RequireString(node, path), DefaultTimeoutSeconds, folder.Directory);
        }

        var c = yaml.ReadMapping(node, path, CommandKeys, "a command evaluator");
        var run = c.TryGetValue("run", out var runNode)
            ? yaml.RequireString(runNode, $"{path}.run")
            : throw yaml.Error(node, $"{path}.run", "run is required: the command line ({model} is the merged model's folder)");
        var timeout = DefaultTimeoutSeconds;
        if (c.TryGetValue("timeout", out var timeoutNode))
        {
            timeout = yaml.ReadNumber(timeoutNode, $"{path}.timeout");
            if (!(timeout > 0))
            {
                throw yaml.Error(timeoutNode, $"{path}.timeout", "expected a positive number of seconds");
            }
        }

        return new CommandEvaluatorSpec(run, timeout, folder.Directory);
    }
}
