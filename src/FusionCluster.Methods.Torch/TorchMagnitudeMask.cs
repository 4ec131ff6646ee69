using static TorchSharp.torch;

namespace FusionCluster.Methods.Torch;

/// <summary>
/// TIES' keep-mask: the k largest |δ|, with ties at the threshold kept lowest index first. That is exactly
/// the set the C# TopKSelection keeps (a stable descending sort's first k), so for the same δ both
/// backends keep the same elements, ties included. (NaN deltas are not ordered the same way; they do not
/// occur in checkpoints worth merging.)
/// </summary>
internal static class TorchMagnitudeMask
{
    /// <summary>The keep-mask (bool, same length as <paramref name="delta"/>); 0 &lt; k &lt; numel.</summary>
    public static Tensor TopK(Tensor delta, long k)
    {
        var total = delta.numel();
        using var scope = NewDisposeScope();
        var magnitude = delta.abs();
        // kthvalue counts from the smallest: the k-th largest is the (total - k + 1)-th smallest.
        var (threshold, _) = magnitude.kthvalue(total - k + 1, 0, false);
        var above = magnitude.gt(threshold);
        var atThreshold = magnitude.eq(threshold);
        var tiesToKeep = k - above.sum().item<long>();
        if (tiesToKeep >= atThreshold.sum().item<long>())
        {
            return magnitude.ge(threshold).MoveToOuterDisposeScope();
        }

        // Running count of threshold ties in index order: the first tiesToKeep of them stay.
        var tieOrdinal = atThreshold.to_type(ScalarType.Int64).cumsum(0);
        var keptTies = atThreshold.logical_and(tieOrdinal.le(tiesToKeep));
        return above.logical_or(keptTies).MoveToOuterDisposeScope();
    }
}
