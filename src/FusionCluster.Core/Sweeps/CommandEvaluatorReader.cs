using System.Text.RegularExpressions;
using FusionCluster.Core.Specs.Yaml;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Sweeps;

/// <summary>
/// Reads <c>evaluator.command</c>: a command line (or {run, timeout, variables}) that prints metrics for a merged
/// model. <c>variables</c> names the silo environment variables the command may see; FusionCluster's own
/// (FUSION_*, Fusion__*: connection strings, Redis) are never passed.
/// </summary>
internal sealed partial class CommandEvaluatorReader(YamlNodeReader yaml, SweepFolder folder)
{
    private const double DefaultTimeoutSeconds = 600;

    private static readonly string[] CommandKeys = ["run", "timeout", "variables"];

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

        var variables = c.TryGetValue("variables", out var variablesNode) ? ReadVariables(variablesNode, $"{path}.variables") : [];
        return new CommandEvaluatorSpec(run, timeout, folder.Directory) { Variables = variables };
    }

    private List<string> ReadVariables(YamlNode node, string path)
    {
        var names = new List<string>();
        var items = yaml.ReadSequence(node, path);
        for (var i = 0; i < items.Count; i++)
        {
            var name = yaml.RequireString(items[i], $"{path}[{i}]");
            if (!VariableName().IsMatch(name))
            {
                throw yaml.Error(items[i], $"{path}[{i}]", $"'{name}' is not an environment variable name (letters, digits and '_', not starting with a digit)");
            }

            if (name.StartsWith("FUSION_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Fusion__", StringComparison.OrdinalIgnoreCase))
            {
                throw yaml.Error(items[i], $"{path}[{i}]", $"'{name}' is FusionCluster's own setting (connection strings, Redis); it is never passed to a command (the command gets FUSION_MODEL by itself)");
            }

            if (names.Contains(name, StringComparer.Ordinal))
            {
                throw yaml.Error(items[i], $"{path}[{i}]", $"'{name}' is named twice");
            }

            names.Add(name);
        }

        return names;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();
}
