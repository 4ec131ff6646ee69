using System.Globalization;
using FusionCluster.Core.Specs.Yaml;
using YamlDotNet.RepresentationModel;

namespace FusionCluster.Core.Sweeps;

/// <summary>Reads <c>evaluator.accuracy</c>: a classifier's accuracy on a dataset file's split, optionally on some classes.</summary>
internal sealed class AccuracyEvaluatorReader(YamlNodeReader yaml, SweepFolder folder)
{
    private static readonly string[] AccuracyKeys = ["dataset", "split", "classes"];

    public AccuracyEvaluatorSpec Read(YamlNode node, string path)
    {
        var a = yaml.ReadMapping(node, path, AccuracyKeys, "an accuracy evaluator");
        if (!a.TryGetValue("dataset", out var datasetNode))
        {
            throw yaml.Error(node, $"{path}.dataset", "dataset is required: a dataset file (fusion dataset mnist writes one)");
        }

        var split = a.TryGetValue("split", out var splitNode) ? yaml.RequireString(splitNode, $"{path}.split") : "held-out";
        if (split is not ("held-out" or "train" or "all"))
        {
            throw yaml.Error(splitNode!, $"{path}.split", $"'{split}': expected held-out, train or all");
        }

        var classes = a.TryGetValue("classes", out var classesNode) ? ReadClasses(classesNode, $"{path}.classes") : null;
        return new AccuracyEvaluatorSpec(folder.Resolve(yaml.RequireString(datasetNode, $"{path}.dataset")), split, classes);
    }

    private IReadOnlyList<int> ReadClasses(YamlNode node, string path)
    {
        var classes = new SortedSet<int>();
        if (node is YamlSequenceNode list)
        {
            for (var i = 0; i < list.Children.Count; i++)
            {
                classes.Add(yaml.ReadInt(list.Children[i], $"{path}[{i}]", 0, 255));
            }
        }
        else
        {
            var text = yaml.RequireString(node, path);
            foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
            {
                var bounds = part.Split('-', StringSplitOptions.TrimEntries);
                if (bounds.Length is < 1 or > 2 || !bounds.All(b => int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c <= 255)
                    || int.Parse(bounds[^1], CultureInfo.InvariantCulture) < int.Parse(bounds[0], CultureInfo.InvariantCulture))
                {
                    throw yaml.Error(node, path, $"'{text}': expected class numbers or ranges such as 0-3,7");
                }

                for (var c = int.Parse(bounds[0], CultureInfo.InvariantCulture); c <= int.Parse(bounds[^1], CultureInfo.InvariantCulture); c++)
                {
                    classes.Add(c);
                }
            }
        }

        return classes.Count > 0 ? [.. classes] : throw yaml.Error(node, path, "the list of classes is empty");
    }
}
