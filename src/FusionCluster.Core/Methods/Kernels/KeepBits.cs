using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    /// The L1 norms of values before and after zeroing the dropped elements, each exactly as summing element by
    /// element in index order in double would give it (a dropped element adds +0.0, which leaves a non-negative
    /// sum unchanged).
    /// </summary>
    /// <remarks>
    /// The in-order sum is a chain of dependent additions. When no partial sum can round, every order gives the
    /// same, exact, result, so the sums run vectorised: every |value| is a multiple of 2^q (q the lowest set
    /// bit over all values), so every partial sum is a multiple of 2^q no larger than n·max, and below
    /// 2^(q+53) all of them are doubles. Task vectors of bf16 or fp16 checkpoints nearly always qualify;
    /// others (and NaN or infinity) take the in-order loop.
    /// </remarks>
    public static (double Full, double Kept) L1(ReadOnlySpan<float> values, ReadOnlySpan<ulong> bits) =>
        Vector256.IsHardwareAccelerated && SumsAreExact(values) ? VectorL1(values, bits) : InOrderL1(values, bits);

    private static (double Full, double Kept) InOrderL1(ReadOnlySpan<float> values, ReadOnlySpan<ulong> bits)
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
                // Masking the bits rather than branching: the keep bits are random, so a branch mispredicts half the time.
                kept += BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(a) & -(long)(word & 1));
            }
        }

        return (full, kept);
    }

    /// <summary>True when no partial sum of |values|, in any order, rounds in double (see <see cref="L1"/>).</summary>
    private static bool SumsAreExact(ReadOnlySpan<float> values)
    {
        var bitsOf = MemoryMarshal.Cast<float, int>(values);
        var lowest = Vector512.Create(int.MaxValue);
        var largest = Vector512<int>.Zero;
        var magnitude = Vector512.Create(0x7FFFFFFF);
        var k = 0;
        for (; k <= bitsOf.Length - 16; k += 16)
        {
            var u = Vector512.Create<int>(bitsOf.Slice(k, 16)) & magnitude;
            largest = Vector512.Max(largest, u);
            lowest = Vector512.Min(lowest, LowestBit(u));
        }

        var low = int.MaxValue;
        var high = 0;
        for (var lane = 0; lane < 16; lane++)
        {
            low = Math.Min(low, lowest[lane]);
            high = Math.Max(high, largest[lane]);
        }

        for (; k < bitsOf.Length; k++)
        {
            var u = Vector512.Create(bitsOf[k] & 0x7FFFFFFF);
            high = Math.Max(high, u[0]);
            low = Math.Min(low, LowestBit(u)[0]);
        }

        if (high >= 0x7F800000)
        {
            return false;
        }

        // high = 0: every value is zero and every order sums +0.0.
        return high == 0 || (double)BitConverter.Int32BitsToSingle(high) * bitsOf.Length < Math.ScaleB(1.0, low + 53);
    }

    /// <summary>Per lane, the exponent of the lowest set bit of the float whose magnitude bits are u; int.MaxValue for zero.</summary>
    // Inlined by force, as a called vector helper runs in unoptimised tier-0 code for the first calls of a process.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> LowestBit(Vector512<int> u)
    {
        var exponent = u >>> 23;
        var normal = ~Vector512.Equals(exponent, Vector512<int>.Zero);
        var mantissa = (u & Vector512.Create(0x7FFFFF)) | (normal & Vector512.Create(0x800000));
        var bit = mantissa & -mantissa;
        // A power of two up to 2^23 converts exactly; its exponent field is log2(bit) + 127.
        var log2 = (Vector512.ConvertToSingle(bit).AsInt32() >>> 23) - Vector512.Create(127);
        var lowest = log2 + Vector512.Max(exponent, Vector512<int>.One) - Vector512.Create(150);
        return Vector512.ConditionalSelect(Vector512.Equals(u, Vector512<int>.Zero), Vector512.Create(int.MaxValue), lowest);
    }

    private static (double Full, double Kept) VectorL1(ReadOnlySpan<float> values, ReadOnlySpan<ulong> bits)
    {
        var full = Vector512<double>.Zero;
        var kept = Vector512<double>.Zero;
        var lanes = Vector512.Create(1UL, 2, 4, 8, 16, 32, 64, 128);
        var k = 0;
        for (; k <= values.Length - 8; k += 8)
        {
            var a = Vector512.Abs(Vector512.WidenLower(Vector256.Create<float>(values.Slice(k, 8)).ToVector512()));
            var octet = (bits[k >> 6] >> (k & 63)) & 0xFF;
            var mask = Vector512.Equals(Vector512.Create(octet) & lanes, lanes).AsDouble();
            full += a;
            kept += a & mask;
        }

        var (restFull, restKept) = (Vector512.Sum(full), Vector512.Sum(kept));
        for (; k < values.Length; k++)
        {
            double a = Math.Abs(values[k]);
            restFull += a;
            restKept += Get(bits, k) ? a : 0.0;
        }

        return (restFull, restKept);
    }
}
