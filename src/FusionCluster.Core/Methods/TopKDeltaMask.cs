using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// Keeps the elements of <see cref="Keep"/> and not of <see cref="Drop"/> (both top-k sets of |δ|):
/// TIES keeps the top k; breadcrumbs keeps top(n - n_bottom) minus top(n_top), i.e. the middle band of a
/// stable descending sort.
/// </summary>
internal sealed class TopKDeltaMask(TopKSelection keep, TopKSelection? drop) : DeltaMask
{
    public TopKSelection Keep { get; } = keep;

    public TopKSelection? Drop { get; } = drop;

    public override void Apply(int chunk, long start, Span<float> delta)
    {
        using var keys = new RentedBuffer<uint>(delta.Length);
        using var kept = new RentedBuffer<byte>(delta.Length);
        using var dropped = new RentedBuffer<byte>(Drop is null ? 0 : delta.Length);
        for (var k = 0; k < delta.Length; k++)
        {
            keys.Span[k] = SortKeys.Abs(delta[k]);
        }
        Keep.Mark(chunk, keys.Span, kept.Span);
        Drop?.Mark(chunk, keys.Span, dropped.Span);
        for (var k = 0; k < delta.Length; k++)
        {
            if (kept.Span[k] == 0 || (Drop is not null && dropped.Span[k] != 0))
            {
                delta[k] = 0;
            }
        }
    }
}
