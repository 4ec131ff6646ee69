using System.Runtime.Intrinsics;

namespace FusionCluster.Core.Methods.Kernels;

/// <summary>
/// Keep decisions of a chunk as bits (bit k of word k / 64 says whether element k survives), so a
/// sparsifier's decisions, once drawn, can be measured and applied again without drawing them twice.
/// </summary>
public static class KeepBits
{
    public static int Words(int length) => (length + 63) >> 6;

    public static bool Get(ReadOnlySpan<ulong> bits, int k) => ((bits[k >> 6] >> (k & 63)) & 1) != 0;

    public static void Set(Span<ulong> bits, int k) => bits[k >> 6] |= 1UL << (k & 63);

    /// <summary>Zeroes values[k] unless bit k is set.</summary>
    public static void Apply(ReadOnlySpan<ulong> bits, Span<float> values)
    {
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var lanes = Vector256.Create(1u, 2, 4, 8, 16, 32, 64, 128);
            for (; k <= values.Length - 8; k += 8)
            {
                var octet = (uint)(bits[k >> 6] >> (k & 63)) & 0xFF;
                var kept = Vector256.Equals(Vector256.Create(octet) & lanes, lanes).AsSingle();
                Vector256.ConditionalSelect(kept, Vector256.Create<float>(values.Slice(k, 8)), Vector256<float>.Zero).CopyTo(values.Slice(k, 8));
            }
        }

        for (; k < values.Length; k++)
        {
            if (!Get(bits, k))
            {
                values[k] = 0;
            }
        }
    }

    /// <summary>
    /// The L1 norms of values before and after zeroing the dropped elements, each summed element by element
    /// in index order in double, exactly as two separate passes would (a dropped element adds +0.0, which
    /// leaves a non-negative sum unchanged); the two independent sums run interleaved in one loop.
    /// </summary>
    public static (double Full, double Kept) L1(ReadOnlySpan<float> values, ReadOnlySpan<ulong> bits)
    {
        double full = 0, kept = 0;
        var k = 0;
        for (var w = 0; w < bits.Length; w++)
        {
            var word = bits[w];
            var end = Math.Min(values.Length, k + 64);
            for (; k < end; k++, word >>= 1)
            {
                double a = Math.Abs(values[k]);
                full += a;
                kept += (word & 1) != 0 ? a : 0.0;
            }
        }

        return (full, kept);
    }
}
