using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Evaluation.Models;

/// <summary>
/// SplitMix64: a tiny generator whose sequence is fixed by its seed on every platform and runtime.
/// Training draws initial weights and data order from it instead of torch's global generator, so runs
/// are reproducible and unaffected by anything else in the process that touches torch's RNG.
/// </summary>
public sealed class DeterministicRandom(ulong seed)
{
    private ulong state = seed;

    public ulong NextUInt64() => CounterRng.Mix(state += CounterRng.Golden);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, exclusiveMax) by multiply-shift; the bias is below exclusiveMax / 2^64.</summary>
    public int NextInt(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        return (int)Math.BigMul(NextUInt64(), (ulong)exclusiveMax, out _);
    }

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(T[] items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
