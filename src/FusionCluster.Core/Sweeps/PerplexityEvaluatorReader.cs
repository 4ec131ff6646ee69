using FusionCluster.Core.Specs.Yaml;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Sweeps;

/// <summary>Reads <c>evaluator.perplexity</c>: a language model's perplexity on a text file, in windows of <c>context</c> tokens.</summary>
internal sealed class PerplexityEvaluatorReader(YamlNodeReader yaml, SweepFolder folder)
{
    private static readonly string[] PerplexityKeys = ["text", "context"];

    public PerplexityEvaluatorSpec Read(YamlNode node, string path)
    {
        var p = yaml.ReadMapping(node, path, PerplexityKeys, "a perplexity evaluator");
        if (!p.TryGetValue("text", out var textNode))
        {
            throw yaml.Error(node, $"{path}.text", "text is required: a UTF-8 text file the merged language model is scored on");
        }

        int? context = p.TryGetValue("context", out var contextNode) ? yaml.ReadInt(contextNode, $"{path}.context", 2, 1 << 20) : null;
        return new PerplexityEvaluatorSpec(folder.Resolve(yaml.RequireString(textNode, $"{path}.text")), context);
    }
}
