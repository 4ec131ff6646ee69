using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Sweeps;

/// <summary>A small seeded generator (SplitMix64), so a random space gives the same points on every machine and run.</summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong state = seed;

    public ulong Next() => CounterRng.Mix(state += CounterRng.Golden);

    /// <summary>Uniform in [0, 1), 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, count).</summary>
    public int NextInt(int count) => (int)(NextDouble() * count);
}
