using FusionCluster.Alignment.Specs;

namespace FusionCluster.Alignment.Zipping;

/// <summary>
/// Which <see cref="ZipFold"/> reads each tensor of a classifier, from its permutation spec: a group's axis 0 is
/// the outputs of its layer (merged), its axis 1 the inputs of the next (unmerged, a channel's pixels as one
/// block). Groups without clusters are not zipped (partial zipping), so their tensors read as they are.
/// </summary>
public static class ZipFolds
{
    /// <param name="mergedScale">Scale of tensors whose rows are merged: 1 for a model's share of the sum; 2 in a job, whose linear merge halves each share.</param>
    public static ZipFold For(PermutationSpec spec, IReadOnlyDictionary<string, FeatureClusters> clusters, string tensor, int side, float mergedScale)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(clusters);
        var axes = spec.Tensors.TryGetValue(tensor, out var listed) ? listed : throw new AlignmentException($"tensor '{tensor}' is not in the permutation spec");
        FeatureClusters? rows = null, columns = null;
        var block = 1;
        foreach (var axis in axes)
        {
            if (!clusters.TryGetValue(axis.Group, out var found))
            {
                continue;
            }

            switch (axis.Axis)
            {
                case 0:
                    rows = found;
                    break;
                case 1:
                    columns = found;
                    block = axis.BlockSize;
                    break;
                default:
                    throw new AlignmentException($"tensor '{tensor}': group '{axis.Group}' is on axis {axis.Axis}; ZipIt! zips a layer's outputs (axis 0) and the next layer's inputs (axis 1) only");
            }
        }

        return new ZipFold(rows, columns, block, side, rows is null ? 1 : mergedScale);
    }
}
