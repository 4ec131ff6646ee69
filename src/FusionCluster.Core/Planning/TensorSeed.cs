using System.Text;
using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Planning;

/// <summary>
/// Per-tensor seeds: mergekit draws from one global RNG, so its results depend on execution order; a
/// seed from (job seed, tensor name) makes every tensor reproducible on any silo, in any order, on retry.
/// </summary>
public static class TensorSeed
{
    public static ulong For(ulong jobSeed, string tensorName)
    {
        // FNV-1a over the name, then a SplitMix64 finaliser so nearby names give unrelated seeds.
        var hash = 14695981039346656037UL ^ jobSeed;
        foreach (var b in Encoding.UTF8.GetBytes(tensorName))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return CounterRng.Mix(hash);
    }
}
