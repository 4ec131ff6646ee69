using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FusionCluster.Core.Methods.Kernels;

/// <summary>
/// DARE's keep decisions: element i of model m survives when the counter-based draw for (stream, i) is
/// below density. Every backend (the C# kernels, the torch backend on any device) draws through this
/// class, so one seed keeps the same elements everywhere. The draws are computed four or eight at a time (AVX2,
/// AVX-512), in integers, so the vector and scalar paths agree bit for bit.
/// </summary>
public static class RandomKeepMask
{
    /// <summary>The stream of the model at <paramref name="modelIndex"/> (spec order, base excluded) under one tensor seed.</summary>
    public static ulong StreamSeed(ulong tensorSeed, int modelIndex) => CounterRng.Stream(tensorSeed, modelIndex);

    public static bool Keeps(ulong stream, double density, long index) => CounterRng.Uniform(stream, index) < density;

    /// <summary>keep[k] = whether element start + k survives.</summary>
    public static void Fill(ulong stream, double density, long start, Span<bool> keep)
    {
        var limit = DrawLimit(density);
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (var counter = Counter256.At(start); k <= keep.Length - 4; k += 4, counter = counter.Next())
            {
                var kept = Vector256.LessThan(counter.Draws(stream), Vector256.Create(limit)).ExtractMostSignificantBits();
                for (var lane = 0; lane < 4; lane++)
                {
                    keep[k + lane] = (kept & (1u << lane)) != 0;
                }
            }
        }

        for (; k < keep.Length; k++)
        {
            keep[k] = Keeps(stream, density, start + k);
        }
    }

    /// <summary>Zeroes values[k] unless element start + k survives.</summary>
    public static void Apply(ulong stream, double density, long start, Span<float> values)
    {
        var limit = Vector256.Create(DrawLimit(density));
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (var counter = Counter256.At(start); k <= values.Length - 8; k += 8, counter = counter.Next().Next())
            {
                var low = Vector256.LessThan(counter.Draws(stream), limit);
                var high = Vector256.LessThan(counter.Next().Draws(stream), limit);
                var kept = Vector256.Narrow(low, high).AsSingle();
                Vector256.ConditionalSelect(kept, Vector256.Create<float>(values.Slice(k, 8)), Vector256<float>.Zero).CopyTo(values.Slice(k, 8));
            }
        }

        for (; k < values.Length; k++)
        {
            if (!Keeps(stream, density, start + k))
            {
                values[k] = 0;
            }
        }
    }

    /// <summary>Sets bit k of keep (cleared by the caller) when element start + k of the first length survives.</summary>
    public static void FillBits(ulong stream, double density, long start, int length, Span<ulong> keep)
    {
        var limit = DrawLimit(density);
        var k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var bound = Vector512.Create(limit);
            var counter = Counter512.At(start);
            for (; k <= length - 64; k += 64)
            {
                ulong word = 0;
                for (var lane = 0; lane < 64; lane += 8, counter = counter.Next())
                {
                    word |= Vector512.LessThan(counter.Draws(stream), bound).ExtractMostSignificantBits() << lane;
                }
                keep[k >> 6] = word;
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var bound = Vector256.Create(limit);
            var counter = Counter256.At(start);
            for (; k <= length - 64; k += 64)
            {
                ulong word = 0;
                for (var lane = 0; lane < 64; lane += 4, counter = counter.Next())
                {
                    word |= (ulong)Vector256.LessThan(counter.Draws(stream), bound).ExtractMostSignificantBits() << lane;
                }
                keep[k >> 6] = word;
            }
        }

        for (; k < length; k++)
        {
            if (Keeps(stream, density, start + k))
            {
                keep[k >> 6] |= 1UL << (k & 63);
            }
        }
    }

    /// <summary>draws[k] = the 53 random bits of element start + k: <see cref="CounterRng.Uniform"/> is draws[k] · 2^-53 exactly.</summary>
    public static void FillDraws(ulong stream, long start, Span<ulong> draws)
    {
        var k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (var counter = Counter512.At(start); k <= draws.Length - 8; k += 8, counter = counter.Next())
            {
                counter.Draws(stream).CopyTo(draws.Slice(k, 8));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (var counter = Counter256.At(start); k <= draws.Length - 4; k += 4, counter = counter.Next())
            {
                counter.Draws(stream).CopyTo(draws.Slice(k, 4));
            }
        }

        for (; k < draws.Length; k++)
        {
            var index = start + k;
            draws[k] = CounterRng.Mix(CounterRng.Mix(stream ^ ((ulong)index * CounterRng.Golden)) + (ulong)index) >> 11;
        }
    }

    /// <summary>
    /// Uniform(i) &lt; density, with Uniform(i) = (draw >> 11) · 2^-53 exactly, holds iff (draw >> 11) &lt; ceil(density · 2^53).
    /// </summary>
    internal static ulong DrawLimit(double density) =>
        density <= 0 ? 0 : density >= 1 ? 1UL << 53 : (ulong)Math.Ceiling(density * (1UL << 53));

    // The vector helpers are inlined by force: without it the JIT calls them, and a call-only method starts in
    // unoptimised tier-0 code, which ran a short merge's draws several times slower until tiering caught up.
    /// <summary>
    /// Four consecutive elements' indices and their products with <see cref="CounterRng.Golden"/>, carried from one step to
    /// the next by an add: a draw then takes four 64-bit multiplies instead of five.
    /// </summary>
    private readonly record struct Counter256(Vector256<ulong> Index, Vector256<ulong> Scaled)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Counter256 At(long first)
        {
            var index = Vector256.Create((ulong)first) + Vector256.Create(0UL, 1, 2, 3);
            return new(index, index * CounterRng.Golden);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Counter256 Next() => new(Index + Vector256.Create(4UL), Scaled + Vector256.Create(unchecked(4 * CounterRng.Golden)));

        /// <summary>(draw >> 11) of the four elements: <see cref="CounterRng.Uniform"/>'s integer part.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<ulong> Draws(ulong stream) => Mix(Mix(Vector256.Create(stream) ^ Scaled) + Index) >>> 11;
    }

    /// <summary><see cref="Counter256"/> for eight elements.</summary>
    private readonly record struct Counter512(Vector512<ulong> Index, Vector512<ulong> Scaled)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Counter512 At(long first)
        {
            var index = Vector512.Create((ulong)first) + Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
            return new(index, index * CounterRng.Golden);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Counter512 Next() => new(Index + Vector512.Create(8UL), Scaled + Vector512.Create(unchecked(8 * CounterRng.Golden)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<ulong> Draws(ulong stream) => Mix(Mix(Vector512.Create(stream) ^ Scaled) + Index) >>> 11;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Mix(Vector512<ulong> z)
    {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >>> 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Mix(Vector256<ulong> z)
    {
        z = Multiply(z ^ (z >>> 30), 0xBF58476D1CE4E5B9UL);
        z = Multiply(z ^ (z >>> 27), 0x94D049BB133111EBUL);
        return z ^ (z >>> 31);
    }

    /// <summary>
    /// z · c modulo 2^64 in every lane. AVX2 has no 64-bit multiply, and the JIT makes one of three 32 × 32 → 64-bit ones;
    /// with c known, the two cross terms need only their low 32 bits, which one 32-bit multiply gives for both
    /// (lo z · hi c and hi z · lo c, against c's halves swapped). With <see cref="Counter256"/>'s add, a draw took 1.9 ns
    /// instead of 2.9 on an AVX2 core (Zen 3).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Multiply(Vector256<ulong> z, ulong c)
    {
        // With AVX-512 (DQ, VL) the 256-bit multiply is one instruction: the paths that draw four at a time keep it.
        if (!Avx2.IsSupported || Avx512DQ.VL.IsSupported)
        {
            return z * c;
        }

        var low = Avx2.Multiply(z.AsUInt32(), Vector256.Create(c & 0xFFFF_FFFFUL).AsUInt32());
        var cross = Avx2.MultiplyLow(z.AsUInt32(), Vector256.Create((c >> 32) | (c << 32)).AsUInt32()).AsUInt64();
        return low + (cross << 32) + (cross & Vector256.Create(0xFFFF_FFFF_0000_0000UL));
    }
}
