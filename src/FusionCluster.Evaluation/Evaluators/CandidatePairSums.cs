using System.Numerics;
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
            AddPass(
                first,
                second,
                firstValues[head..vectorEnd],
                secondValues[head..vectorEnd],
                hasBase ? baseValues[head..vectorEnd] : default,
                inPass > 0 ? references[r].AsSpan(referenceOffset + head, count) : default,
                inPass > 1 ? references[r + 1].AsSpan(referenceOffset + head, count) : default,
                r,
                inPass,
                modelNorms: r == 0,
                hasBase);
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
    /// One pass over whole vectors (the first element in lane 0): the model norms when <paramref name="modelNorms"/>, and
    /// references <paramref name="reference"/> and the next one (<paramref name="references"/> of them, 0 to 2).
    /// </summary>
    private static void AddPass(
        TensorMetricSums first,
        TensorMetricSums second,
        ReadOnlySpan<float> firstValues,
        ReadOnlySpan<float> secondValues,
        ReadOnlySpan<float> baseValues,
        ReadOnlySpan<float> reference0,
        ReadOnlySpan<float> reference1,
        int reference,
        int references,
        bool modelNorms,
        bool hasBase)
    {
        var zero = Vector512<double>.Zero;
        var norm = Pair(first.ModelNormLanes, second.ModelNormLanes);
        var baseDistance = Pair(first.BaseDistanceLanes, second.BaseDistanceLanes);
        TensorComparisonSums? a0 = references > 0 ? first.Reference(reference) : null, b0 = references > 0 ? second.Reference(reference) : null;
        TensorComparisonSums? a1 = references > 1 ? first.Reference(reference + 1) : null, b1 = references > 1 ? second.Reference(reference + 1) : null;
        Vector512<double> distance0 = zero, dot0 = zero, task0 = zero, distance1 = zero, dot1 = zero, task1 = zero;
        if (a0 is not null)
        {
            (distance0, dot0, task0) = (Pair(a0.DistanceLanes, b0!.DistanceLanes), Pair(a0.DotLanes, b0.DotLanes), Pair(a0.TaskDotLanes, b0.TaskDotLanes));
        }

        if (a1 is not null)
        {
            (distance1, dot1, task1) = (Pair(a1.DistanceLanes, b1!.DistanceLanes), Pair(a1.DotLanes, b1.DotLanes), Pair(a1.TaskDotLanes, b1.TaskDotLanes));
        }

        // Sign agreements per candidate: bits 0-3 of a comparison's mask are the first candidate's lanes, 4-7 the second's.
        long firstAgreements0 = 0, secondAgreements0 = 0, firstAgreements1 = 0, secondAgreements1 = 0;
        ref var m0 = ref MemoryMarshal.GetReference(firstValues);
        ref var m1 = ref MemoryMarshal.GetReference(secondValues);
        ref var bases = ref MemoryMarshal.GetReference(baseValues);
        ref var r0 = ref MemoryMarshal.GetReference(reference0);
        ref var r1 = ref MemoryMarshal.GetReference(reference1);
        var b = zero;
        var mergedDelta = zero;
        for (nuint i = 0; i < (nuint)firstValues.Length; i += LaneSums.Lanes)
        {
            var m = Avx512F.ConvertToVector512Double(Vector256.Create(Vector128.LoadUnsafe(ref m0, i), Vector128.LoadUnsafe(ref m1, i)));
            if (hasBase)
            {
                b = Both(ref bases, i);
                mergedDelta = m - b;
            }

            if (modelNorms)
            {
                norm += m * m;
                if (hasBase)
                {
                    baseDistance += mergedDelta * mergedDelta;
                }
            }

            if (references > 0)
            {
                Compare(m, Both(ref r0, i), b, mergedDelta, hasBase, ref distance0, ref dot0, ref task0, ref firstAgreements0, ref secondAgreements0);
            }

            if (references > 1)
            {
                Compare(m, Both(ref r1, i), b, mergedDelta, hasBase, ref distance1, ref dot1, ref task1, ref firstAgreements1, ref secondAgreements1);
            }
        }

        if (modelNorms)
        {
            (first.ModelNormLanes, second.ModelNormLanes) = (norm.GetLower(), norm.GetUpper());
            (first.BaseDistanceLanes, second.BaseDistanceLanes) = (baseDistance.GetLower(), baseDistance.GetUpper());
        }

        if (a0 is not null)
        {
            Store(a0, b0!, distance0, dot0, task0, firstAgreements0, secondAgreements0, firstValues.Length);
        }

        if (a1 is not null)
        {
            Store(a1, b1!, distance1, dot1, task1, firstAgreements1, secondAgreements1, firstValues.Length);
        }
    }

    /// <summary>The terms of one reference, as <see cref="TensorComparisonSums"/> adds them for each model alone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Compare(
        Vector512<double> m,
        Vector512<double> r,
        Vector512<double> b,
        Vector512<double> mergedDelta,
        bool hasBase,
        ref Vector512<double> distance,
        ref Vector512<double> dot,
        ref Vector512<double> task,
        ref long firstAgreements,
        ref long secondAgreements)
    {
        var d = m - r;
        distance += d * d;
        dot += m * r;
        if (hasBase)
        {
            var taskProduct = mergedDelta * (r - b);
            task += taskProduct;
            // The deltas agree in sign (both positive or both negative, as each candidate alone counts it) exactly when
            // their product is positive: a delta of two floats is 0 or at least 2^-149 in size, so a product of non-zero
            // deltas is at least 2^-298 and never rounds to 0 in float64; a zero or NaN delta gives 0 or NaN, counted by neither.
            var agree = (uint)Vector512.GreaterThan(taskProduct, Vector512<double>.Zero).ExtractMostSignificantBits();
            firstAgreements += BitOperations.PopCount(agree & 0xF);
            secondAgreements += BitOperations.PopCount(agree >> 4);
        }
    }

    private static void Store(
        TensorComparisonSums first, TensorComparisonSums second, Vector512<double> distance, Vector512<double> dot, Vector512<double> task, long firstAgreements, long secondAgreements, int count)
    {
        (first.DistanceLanes, second.DistanceLanes) = (distance.GetLower(), distance.GetUpper());
        (first.DotLanes, second.DotLanes) = (dot.GetLower(), dot.GetUpper());
        (first.TaskDotLanes, second.TaskDotLanes) = (task.GetLower(), task.GetUpper());
        first.Added(count, firstAgreements);
        second.Added(count, secondAgreements);
    }

    private static Vector512<double> Pair(Vector256<double> first, Vector256<double> second) => Vector512.Create(first, second);

    /// <summary>Values [i, i + 4) as float64, for both candidates' lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Both(ref float values, nuint i)
    {
        var four = Vector128.LoadUnsafe(ref values, i);
        return Avx512F.ConvertToVector512Double(Vector256.Create(four, four));
    }
}
