using FusionCluster.Core.Specs.Yaml;
using YamlDotNet.RepresentationModel;
using static FusionCluster.Core.Specs.Yaml.YamlScalars;

namespace FusionCluster.Core.Specs;

/// <summary>
/// Reads a merge spec's <c>align:</c> section once its models are known (the reference defaults to the
/// base model, else the first model, and must be one of them). Whether a method can run in a merge job
/// is the planner's question; here only what the section says is checked.
/// </summary>
internal sealed class AlignSectionReader(YamlNodeReader yaml, ModelReferenceReader models)
{
    private static readonly string[] AlignKeys = ["method", "reference", "dataset", "samples", "repair", "iterations", "seed", "permutation_spec", "alpha", "zip_layers"];

    public AlignSpec? Read(Dictionary<string, YamlNode> top, string? baseModel, IReadOnlyList<SliceSpec> slices, bool usesModels)
    {
        if (!top.TryGetValue("align", out var section) || IsNull(section))
        {
            return null;
        }

        var map = yaml.ReadMapping(section, "align", AlignKeys, "the align section");
        if (!usesModels)
        {
            throw yaml.Error(section, "align", "align: works with a models: spec (whole models permuted onto a reference), not with slices:");
        }

        if (!map.TryGetValue("method", out var methodNode) || IsNull(methodNode))
        {
            throw yaml.Error(section, "align.method", "missing required key 'method' (weight_matching, activation_matching or zipit)");
        }

        var methodText = yaml.RequireString(methodNode, "align.method");
        var known = AlignSpec.Names.Where(n => n.Value == methodText).Select(n => (AlignMethod?)n.Key).FirstOrDefault();
        var method = known ?? throw yaml.Error(methodNode, "align.method", $"unknown method '{methodText}'; expected weight_matching, activation_matching or zipit");

        var modelNames = slices.SelectMany(s => s.Sources).Select(s => s.Model).Distinct(StringComparer.Ordinal).ToList();
        string reference;
        if (map.TryGetValue("reference", out var referenceNode) && !IsNull(referenceNode))
        {
            reference = models.ReadModelReference(referenceNode, "align.reference")!;
            if (!modelNames.Contains(reference, StringComparer.Ordinal))
            {
                throw yaml.Error(referenceNode, "align.reference", $"'{reference}' is not one of the spec's models ({string.Join(", ", modelNames)})");
            }
        }
        else
        {
            reference = baseModel ?? modelNames[0];
        }

        if (modelNames.Count < 2)
        {
            throw yaml.Error(section, "align", $"aligning needs at least two models; the spec has only '{modelNames[0]}'");
        }

        var dataset = map.TryGetValue("dataset", out var datasetNode) && !IsNull(datasetNode) ? yaml.RequireString(datasetNode, "align.dataset") : null;
        int? samples = map.TryGetValue("samples", out var samplesNode) && !IsNull(samplesNode) ? yaml.ReadInt(samplesNode, "align.samples", 1) : null;
        var repair = map.TryGetValue("repair", out var repairNode) && !IsNull(repairNode) && yaml.ReadBool(repairNode, "align.repair");
        var iterations = map.TryGetValue("iterations", out var iterationsNode) && !IsNull(iterationsNode) ? yaml.ReadInt(iterationsNode, "align.iterations", 1, 100_000) : 100;
        var seed = map.TryGetValue("seed", out var seedNode) && !IsNull(seedNode) ? yaml.ReadInt(seedNode, "align.seed", 0) : 0;
        var permutationSpec = map.TryGetValue("permutation_spec", out var specNode) && !IsNull(specNode) ? yaml.RequireString(specNode, "align.permutation_spec") : null;

        if (method == AlignMethod.WeightMatching)
        {
            // Weight matching reads weights only; a dataset would be silently unused unless REPAIR wants it.
            if (dataset is not null && !repair)
            {
                throw yaml.Error(datasetNode!, "align.dataset", "weight_matching reads the weights only and needs no dataset (a dataset is used with repair: true, activation_matching or zipit)");
            }

            if (samples is not null && dataset is null)
            {
                throw yaml.Error(samplesNode!, "align.samples", "samples counts dataset samples; weight_matching without repair reads no dataset");
            }
        }
        else if (dataset is null)
        {
            throw yaml.Error(section, "align.dataset", $"{methodText} measures activations on data: give dataset: (a dataset file, or a text file for language models)");
        }

        double? alpha = null;
        if (map.TryGetValue("alpha", out var alphaNode) && !IsNull(alphaNode))
        {
            if (method != AlignMethod.Zipit)
            {
                throw yaml.Error(alphaNode, "align.alpha", $"alpha is ZipIt!'s factor on merged features' similarities; {methodText} has none (REPAIR's interpolation follows the models' weights)");
            }

            alpha = yaml.ReadNumber(alphaNode, "align.alpha");
            if (alpha is < 0 or > 1)
            {
                throw yaml.Error(alphaNode, "align.alpha", $"must be in [0, 1], got {alpha}");
            }
        }

        int? zipLayers = null;
        if (map.TryGetValue("zip_layers", out var zipNode) && !IsNull(zipNode))
        {
            if (method != AlignMethod.Zipit)
            {
                throw yaml.Error(zipNode, "align.zip_layers", $"zip_layers is ZipIt!'s partial zipping (how many hidden layers the models share); {methodText} has none");
            }

            // The upper bound (the models' hidden layers) needs their headers: the merge planner checks it.
            zipLayers = yaml.ReadInt(zipNode, "align.zip_layers", 0);
        }

        if (repair && dataset is null)
        {
            throw yaml.Error(repairNode!, "align.repair", "REPAIR measures unit statistics on data: give dataset: as well");
        }

        return new AlignSpec(method, reference, dataset, samples, repair, iterations, seed, permutationSpec, alpha, zipLayers);
    }
}
