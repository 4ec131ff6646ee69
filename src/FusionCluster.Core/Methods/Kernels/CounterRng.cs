namespace FusionCluster.Core.Methods.Kernels;

/// <summary>
/// Counter-based random numbers: the draw for element i depends only on (seed, i), never on chunking,
/// thread count or execution order. This deliberately deviates from mergekit, which draws from torch's
/// global RNG (so its results depend on execution order and cannot be reproduced element for element).
/// </summary>
public static class CounterRng
{
    public const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>SplitMix64's finalizer: a bijective mix with full avalanche.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>An independent seed for one of several streams (e.g. one per model) under one tensor seed.</summary>
    public static ulong Stream(ulong seed, int stream) => Mix(seed + Golden * (ulong)(stream + 1) + 0x632BE59BD9B4E019UL);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public static double Uniform(ulong seed, long index) =>
        (Mix(Mix(seed ^ ((ulong)index * Golden)) + (ulong)index) >> 11) * (1.0 / (1UL << 53));
}
