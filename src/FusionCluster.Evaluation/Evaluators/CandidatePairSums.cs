using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// <see cref="TensorMetricSums.AddCompared"/> for two candidates at once on a CPU with 512-bit vectors: one vector holds
/// the first candidate's four lanes and the second's, so every lane still gets its own element's terms in element order
/// through the same float64 operations (the bits equal each candidate added alone), at half the instructions; the model
/// norms and two references' sums are added in one pass over the block, so each value is loaded and widened once.
/// </summary>
internal static class CandidatePairSums
{
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>Both candidates have added the same elements so far; their values here are the same length.</summary>
    /// <param name="references">Reference r's values at the candidates' elements are <c>references[r][referenceOffset..]</c>.</param>
    public static void AddCompared(
        TensorMetricSums first,
        TensorMetricSums second,
        ReadOnlySpan<float> firstValues,
        ReadOnlySpan<float> secondValues,
        ReadOnlySpan<float> baseValues,
        IReadOnlyList<float[]> references,
        int referenceOffset)
    {
        if (first.ModelElements != second.ModelElements || firstValues.Length != secondValues.Length || first.HasBase != second.HasBase)
        {
            throw new ArgumentException($"candidates at elements {first.ModelElements} and {second.ModelElements} with {firstValues.Length} and {secondValues.Length} values cannot be added together");
        }

        var hasBase = first.HasBase;
        var length = firstValues.Length;
        var head = LaneSums.Misalignment(first.ModelElements, length);
        var vectorEnd = head + ((length - head) / LaneSums.Lanes * LaneSums.Lanes);

        // The values before lane 0 comes round again, and after the last whole vector, one candidate at a time.
        AddAlone(first, firstValues[..head], baseValues, references, referenceOffset, 0);
        AddAlone(second, secondValues[..head], baseValues, references, referenceOffset, 0);
        var count = vectorEnd - head;
        for (var r = 0; r == 0 || r < references.Count; r += 2)
        {
            var inPass = Math.Min(2, references.Count - r);
            AddPass(new PassInputs
            {
                First = first,
                Second = second,
                FirstValues = firstValues[head..vectorEnd],
                SecondValues = secondValues[head..vectorEnd],
                BaseValues = hasBase ? baseValues[head..vectorEnd] : default,
                Reference0 = inPass > 0 ? references[r].AsSpan(referenceOffset + head, count) : default,
                Reference1 = inPass > 1 ? references[r + 1].AsSpan(referenceOffset + head, count) : default,
                Reference = r,
                References = inPass,
                ModelNorms = r == 0,
                HasBase = hasBase,
            });
        }

        first.AddedModel(count);
        second.AddedModel(count);
        AddAlone(first, firstValues[vectorEnd..], baseValues, references, referenceOffset, vectorEnd);
        AddAlone(second, secondValues[vectorEnd..], baseValues, references, referenceOffset, vectorEnd);
    }

    /// <summary>One candidate's <paramref name="values"/>, at <paramref name="from"/> in the block.</summary>
    private static void AddAlone(TensorMetricSums sums, ReadOnlySpan<float> values, ReadOnlySpan<float> baseValues, IReadOnlyList<float[]> references, int referenceOffset, int from) =>
        sums.AddCompared(values, sums.HasBase ? baseValues.Slice(from, values.Length) : default, references, referenceOffset + from);

    /// <summary>
    /// One pass over whole vectors (the first element in lane 0): the model norms when <see cref="PassInputs.ModelNorms"/>,
    /// and references <see cref="PassInputs.Reference"/> and the next one (<see cref="PassInputs.References"/> of them, 0 to
    /// 2). Each shape of pass runs a loop of its own, compiled with its switches as constants (<see cref="IFlag"/>), so no
    /// iteration tests them.
    /// </summary>
    private static void AddPass(in PassInputs pass)
    {
        if (pass.ModelNorms)
        {
            AddPass<Yes>(pass);
        }
        else
        {
            AddPass<No>(pass);
        }
    }

    private static void AddPass<TNorms>(in PassInputs pass)
        where TNorms : struct, IFlag
    {
        if (pass.HasBase)
        {
            AddPass<TNorms, Yes>(pass);
        }
        else
        {
            AddPass<TNorms, No>(pass);
        }
    }

    private static void AddPass<TNorms, TBase>(in PassInputs pass)
        where TNorms : struct, IFlag
        where TBase : struct, IFlag
    {
        switch (pass.References)
        {
            case 0:
                AddPass<TNorms, TBase, No, No>(pass);
                break;
            case 1:
                AddPass<TNorms, TBase, Yes, No>(pass);
                break;
            default:
                AddPass<TNorms, TBase, Yes, Yes>(pass);
                break;
        }
    }

    private static unsafe void AddPass<TNorms, TBase, TFirst, TSecond>(in PassInputs pass)
        where TNorms : struct, IFlag
        where TBase : struct, IFlag
        where TFirst : struct, IFlag
        where TSecond : struct, IFlag
    {
        var (first, second) = (pass.First, pass.Second);
        var zero = Vector512<double>.Zero;
        var norm = Pair(first.ModelNormLanes, second.ModelNormLanes);
        var baseDistance = Pair(first.BaseDistanceLanes, second.BaseDistanceLanes);
        TensorComparisonSums? a0 = TFirst.IsSet ? first.Reference(pass.Reference) : null, b0 = TFirst.IsSet ? second.Reference(pass.Reference) : null;
        TensorComparisonSums? a1 = TSecond.IsSet ? first.Reference(pass.Reference + 1) : null, b1 = TSecond.IsSet ? second.Reference(pass.Reference + 1) : null;
        Vector512<double> distance0 = zero, dot0 = zero, task0 = zero, distance1 = zero, dot1 = zero, task1 = zero;
        if (TFirst.IsSet)
        {
            (distance0, dot0, task0) = (Pair(a0!.DistanceLanes, b0!.DistanceLanes), Pair(a0.DotLanes, b0.DotLanes), Pair(a0.TaskDotLanes, b0.TaskDotLanes));
        }

        if (TSecond.IsSet)
        {
            (distance1, dot1, task1) = (Pair(a1!.DistanceLanes, b1!.DistanceLanes), Pair(a1.DotLanes, b1.DotLanes), Pair(a1.TaskDotLanes, b1.TaskDotLanes));
        }

        // Sign agreements counted per lane (lanes 0-3 the first candidate's, 4-7 the second's), in vectors rather than
        // through a mask's bits and population counts: one instruction per comparison.
        Vector512<long> agreements0 = Vector512<long>.Zero, agreements1 = Vector512<long>.Zero;
        ref var m0 = ref MemoryMarshal.GetReference(pass.FirstValues);
        ref var m1 = ref MemoryMarshal.GetReference(pass.SecondValues);
        var length = (nuint)pass.FirstValues.Length;
        var b = zero;
        var mergedDelta = zero;
        fixed (float* bases = pass.BaseValues, r0 = pass.Reference0, r1 = pass.Reference1)
        {
            for (nuint i = 0; i < length; i += LaneSums.Lanes)
            {
                var m = Avx512F.ConvertToVector512Double(Vector256.Create(Vector128.LoadUnsafe(ref m0, i), Vector128.LoadUnsafe(ref m1, i)));
                if (TBase.IsSet)
                {
                    b = Both(bases + i);
                    mergedDelta = m - b;
                }

                if (TNorms.IsSet)
                {
                    norm = Vector512.FusedMultiplyAdd(m, m, norm);
                    if (TBase.IsSet)
                    {
                        baseDistance += mergedDelta * mergedDelta;
                    }
                }

                if (TFirst.IsSet)
                {
                    Compare<TBase>(m, Both(r0 + i), b, mergedDelta, ref distance0, ref dot0, ref task0, ref agreements0);
                }

                if (TSecond.IsSet)
                {
                    Compare<TBase>(m, Both(r1 + i), b, mergedDelta, ref distance1, ref dot1, ref task1, ref agreements1);
                }
            }
        }

        if (TNorms.IsSet)
        {
            (first.ModelNormLanes, second.ModelNormLanes) = (norm.GetLower(), norm.GetUpper());
            (first.BaseDistanceLanes, second.BaseDistanceLanes) = (baseDistance.GetLower(), baseDistance.GetUpper());
        }

        if (TFirst.IsSet)
        {
            Store(a0!, b0!, distance0, dot0, task0, agreements0, (int)length);
        }

        if (TSecond.IsSet)
        {
            Store(a1!, b1!, distance1, dot1, task1, agreements1, (int)length);
        }
    }

    /// <summary>The terms of one reference, as <see cref="TensorComparisonSums"/> adds them for each model alone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Compare<TBase>(
        Vector512<double> m,
        Vector512<double> r,
        Vector512<double> b,
        Vector512<double> mergedDelta,
        ref Vector512<double> distance,
        ref Vector512<double> dot,
        ref Vector512<double> task,
        ref Vector512<long> agreements)
        where TBase : struct, IFlag
    {
        var d = m - r;
        distance += d * d;
        dot = Vector512.FusedMultiplyAdd(m, r, dot);
        if (TBase.IsSet)
        {
            var taskProduct = mergedDelta * (r - b);
            task += taskProduct;
            // The deltas agree in sign (both positive or both negative, as each candidate alone counts it) exactly when
            // their product is positive: a delta of two floats is 0 or at least 2^-149 in size, so a product of non-zero
            // deltas is at least 2^-298 and never rounds to 0 in float64; a zero or NaN delta gives 0 or NaN, counted by neither.
            // A lane that agrees is all ones, -1 as an integer.
            agreements -= Vector512.GreaterThan(taskProduct, Vector512<double>.Zero).AsInt64();
        }
    }

    // Inlined: a call after the loop, while the second reference's sums are live, made the JIT keep them on the stack
    // through every iteration (vector registers do not survive a call), three stores and three loads each time round.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(
        TensorComparisonSums first, TensorComparisonSums second, Vector512<double> distance, Vector512<double> dot, Vector512<double> task, Vector512<long> agreements, int count)
    {
        (first.DistanceLanes, second.DistanceLanes) = (distance.GetLower(), distance.GetUpper());
        (first.DotLanes, second.DotLanes) = (dot.GetLower(), dot.GetUpper());
        (first.TaskDotLanes, second.TaskDotLanes) = (task.GetLower(), task.GetUpper());
        first.Added(count, Vector256.Sum(agreements.GetLower()));
        second.Added(count, Vector256.Sum(agreements.GetUpper()));
    }

    private static Vector512<double> Pair(Vector256<double> first, Vector256<double> second) => Vector512.Create(first, second);

    /// <summary>The four values at <paramref name="values"/> as float64, for both candidates' lanes (one broadcasting load, no shuffle).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<double> Both(float* values) =>
        Avx512F.ConvertToVector512Double(Avx.BroadcastVector128ToVector256(values));

    /// <summary>A switch fixed when a loop is compiled: the JIT compiles a generic method once per struct argument, so <see cref="IsSet"/> is a constant there.</summary>
    private interface IFlag
    {
        static abstract bool IsSet { get; }
    }

    private readonly struct Yes : IFlag
    {
        public static bool IsSet => true;
    }

    private readonly struct No : IFlag
    {
        public static bool IsSet => false;
    }

    /// <summary>What one pass reads and adds to.</summary>
    private readonly ref struct PassInputs
    {
        public required TensorMetricSums First { get; init; }

        public required TensorMetricSums Second { get; init; }

        public required ReadOnlySpan<float> FirstValues { get; init; }

        public required ReadOnlySpan<float> SecondValues { get; init; }

        public required ReadOnlySpan<float> BaseValues { get; init; }

        public required ReadOnlySpan<float> Reference0 { get; init; }

        public required ReadOnlySpan<float> Reference1 { get; init; }

        /// <summary>The index of the pass's first reference.</summary>
        public required int Reference { get; init; }

        /// <summary>How many references the pass adds: 0 to 2.</summary>
        public required int References { get; init; }

        public required bool ModelNorms { get; init; }

        public required bool HasBase { get; init; }
    }
}
