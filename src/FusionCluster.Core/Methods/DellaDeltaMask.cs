using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// DELLA's MagPrune: within each row, the element of ascending |δ| rank r (1..n, ties by column) is kept with
/// probability (density - ε) + 2ε·(r - 1)/(n - 1). Chunks must hold whole rows. Rank is taken along the
/// last dimension; mergekit ranks along dim 1, which is the same for the 1-D and 2-D tensors of LLMs.
/// </summary>
internal sealed class DellaDeltaMask(ulong seed, double density, double epsilon, long rowLength) : DeltaMask
{
    public override void Apply(int chunk, long start, Span<float> delta)
    {
        var n = (int)rowLength;
        using var order = new RentedBuffer<ulong>(n);
        for (var row = 0; row < delta.Length; row += n)
        {
            var values = delta.Slice(row, n);
            var sorted = order.Span;
            // Key in the high word, column in the low word: a plain sort is then stable by column.
            for (var c = 0; c < n; c++)
            {
                sorted[c] = ((ulong)SortKeys.Abs(values[c]) << 32) | (uint)c;
            }
            sorted.Sort();
            for (var rank = 0; rank < n; rank++)
            {
                var c = (int)(sorted[rank] & 0xFFFFFFFFu);
                var normalized = n > 1 ? (double)rank / (n - 1) : 0;
                var p = density - epsilon + 2 * epsilon * normalized;
                if (!(CounterRng.Uniform(seed, start + row + c) < p))
                {
                    values[c] = 0;
                }
            }
        }
    }
}
