using FusionCluster.Core.Specs.Yaml;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Sweeps;

/// <summary>Reads <c>evaluator.tensors</c>: tensor metrics against models to compare with and/or the base.</summary>
internal sealed class TensorEvaluatorReader(YamlNodeReader yaml, SweepFolder folder)
{
    private static readonly string[] TensorKeys = ["compare", "base"];

    public TensorEvaluatorSpec Read(YamlNode node, string path)
    {
        var t = yaml.ReadMapping(node, path, TensorKeys, "a tensor-metrics evaluator");
        var compare = new List<KeyValuePair<string, string>>();
        if (t.TryGetValue("compare", out var compareNode))
        {
            var list = compareNode as YamlSequenceNode ?? throw yaml.Error(compareNode, $"{path}.compare", "expected a list of model folders");
            for (var i = 0; i < list.Children.Count; i++)
            {
                var reference = yaml.RequireString(list.Children[i], $"{path}.compare[{i}]");
                if (compare.Exists(c => c.Key == reference))
                {
                    throw yaml.Error(list.Children[i], $"{path}.compare[{i}]", $"'{reference}' is listed twice");
                }

                compare.Add(new(reference, folder.Resolve(reference)));
            }
        }

        var baseModel = t.TryGetValue("base", out var baseNode) ? folder.Resolve(yaml.RequireString(baseNode, $"{path}.base")) : null;
        if (compare.Count == 0 && baseModel is null)
        {
            throw yaml.Error(node, path, "give compare: (models) and/or base:");
        }

        return new TensorEvaluatorSpec(compare, baseModel);
    }
}
