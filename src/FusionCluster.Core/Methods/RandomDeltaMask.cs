using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>DARE: keeps each element independently with probability density (counter-based draws).</summary>
internal sealed class RandomDeltaMask(ulong seed, double density) : RecordableDeltaMask
{
    public override void Apply(int chunk, long start, Span<float> delta) => RandomKeepMask.Apply(seed, density, start, delta);

    public override void Decide(int chunk, long start, ReadOnlySpan<float> delta, Span<ulong> keep) =>
        RandomKeepMask.FillBits(seed, density, start, delta.Length, keep);
}
