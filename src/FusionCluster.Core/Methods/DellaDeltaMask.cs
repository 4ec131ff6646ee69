using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// DELLA's MagPrune: within each row, the element of ascending |δ| rank r (1..n, ties by column) is kept with
/// probability (density - ε) + 2ε·(r - 1)/(n - 1). Chunks must hold whole rows. Rank is taken along the
/// last dimension; mergekit ranks along dim 1, which is the same for the 1-D and 2-D tensors of LLMs.
/// </summary>
internal sealed class DellaDeltaMask(ulong seed, double density, double epsilon, long rowLength) : RecordableDeltaMask
{
    public override void Apply(int chunk, long start, Span<float> delta)
    {
        using var keep = new RentedBuffer<ulong>(KeepBits.Words(delta.Length));
        keep.Span.Clear();
        Decide(chunk, start, delta, keep.Span);
        KeepBits.Apply(keep.Span, delta);
    }

    public override void Decide(int chunk, long start, ReadOnlySpan<float> delta, Span<ulong> keep)
    {
        var n = (int)rowLength;
        using var keys = new RentedBuffer<uint>(n);
        using var scratchKeys = new RentedBuffer<uint>(n);
        using var order = new RentedBuffer<int>(n);
        using var scratchOrder = new RentedBuffer<int>(n);
        using var draws = new RentedBuffer<ulong>(n);
        for (var row = 0; row < delta.Length; row += n)
        {
            var values = delta.Slice(row, n);
            for (var c = 0; c < n; c++)
            {
                keys.Span[c] = SortKeys.Abs(values[c]);
            }
            // Ascending |δ|, ties by column.
            StableRadixOrder.Sort(keys.Span, order.Span, scratchKeys.Span, scratchOrder.Span);
            RandomKeepMask.FillDraws(seed, start + row, draws.Span);
            for (var rank = 0; rank < n; rank++)
            {
                var c = order.Span[rank];
                var normalized = n > 1 ? (double)rank / (n - 1) : 0;
                var p = density - epsilon + 2 * epsilon * normalized;
                // CounterRng.Uniform(seed, start + row + c), drawn for the whole row at once.
                if (draws.Span[c] * (1.0 / (1UL << 53)) < p)
                {
                    KeepBits.Set(keep, row + c);
                }
            }
        }
    }
}
