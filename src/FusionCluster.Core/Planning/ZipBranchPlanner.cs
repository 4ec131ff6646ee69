using System.Text.Json.Nodes;
using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Planning;

/// <summary>
/// Partial ZipIt! in a merge job (<c>align: {method: zipit, zip_layers: k}</c>). The first k hidden layers are zipped
/// into shared layers, which merge units compute as for full zipping; every later layer stays each model's own, as a
/// branch that reads the shared features through that model's unmerge. The output is the checkpoint layout partially
/// zipped classifiers have (FusionCluster.Evaluation's ClassifierConfig): shared <c>layers.i.*</c> (i &lt; k), then
/// <c>branches.b.layers.j.*</c> (j = i − k) with the reference as branch 0 and the other model as branch 1, and
/// config.json's <c>"zip_layers": k, "branches": 2</c>. With k equal to the hidden layers everything is zipped and
/// the output is an ordinary classifier, so no branches are planned.
/// </summary>
public static class ZipBranchPlanner
{
    public const int Branches = 2;

    /// <summary>
    /// The layers the branches share when the plan zips partially; null when it zips every hidden layer or is not zipit.
    /// The models' hidden layers are every numbered layer but the last (the logits).
    /// </summary>
    /// <exception cref="SpecException">zip_layers is more than the models' hidden layers.</exception>
    public static int? SharedLayers(AlignPlan? align, ModelLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (align is not { Method: "zipit", ZipLayers: { } zipLayers })
        {
            return null;
        }

        var hidden = Math.Max(0, layout.LayerCount - 1);
        if (zipLayers > hidden)
        {
            throw new SpecException($"align.zip_layers: the models have {hidden} hidden layers; zip 0..{hidden} of them, not {zipLayers}");
        }

        return zipLayers < hidden ? zipLayers : null;
    }

    /// <summary>The model whose remaining layers form <paramref name="branch"/>: the reference first, then the zipped model.</summary>
    public static string BranchModel(AlignPlan align, int branch)
    {
        ArgumentNullException.ThrowIfNull(align);
        return branch switch
        {
            0 => align.Reference,
            1 => align.Models.Single(),
            _ => throw new ArgumentOutOfRangeException(nameof(branch), branch, $"a partially zipped model has {Branches} branches"),
        };
    }

    /// <summary>The output name of layer <paramref name="layer"/> (of the unzipped model) in <paramref name="branch"/>, for layers past the shared ones.</summary>
    public static string BranchPrefix(int branch, int layer, int shared) => $"branches.{branch}.layers.{layer - shared}";

    /// <summary>The unit that writes one branch's copy of one layer.</summary>
    public static string UnitName(int branch, int layer, int shared) => $"branch {branch} layer {layer - shared}";

    /// <summary>Marks the output config.json as partially zipped, as ClassifierConfig writes it.</summary>
    public static void Describe(JsonObject config, int shared)
    {
        ArgumentNullException.ThrowIfNull(config);
        config["zip_layers"] = shared;
        config["branches"] = Branches;
    }
}
