using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// Adds a model's values to its <see cref="TensorMetricSums"/> in <see cref="LaneSums"/>' order: its norms and its
/// comparison with every reference, in passes over the values of at most two references each (the first pass adds the
/// norms too), so each value is loaded once per pass and every sum stays in a register. Each task delta <c>r - b</c> and
/// its sign are taken again in every candidate's pass from the values it loads anyway: a block of them taken once and
/// loaded back by every candidate cost more (a quarter of a scoring group's time, with its own pass and buffers). The
/// references' own sums are added elsewhere, once for every model (<see cref="TensorComparisonSums.AddReferenceOnly"/>).
/// </summary>
internal static class CandidateSums
{
    /// <summary>Adds <paramref name="values"/>, the model's elements from <see cref="TensorMetricSums.ModelElements"/> on.</summary>
    /// <param name="baseValues">The base's values at the same elements; empty without a base.</param>
    /// <param name="references">Reference r's values at these elements are <c>references[r][referenceOffset..]</c>.</param>
    public static void Add(TensorMetricSums sums, ReadOnlySpan<float> values, ReadOnlySpan<float> baseValues, IReadOnlyList<float[]> references, int referenceOffset)
    {
        var hasBase = sums.HasBase;
        if (hasBase && baseValues.Length != values.Length)
        {
            throw new ArgumentException($"a model's {values.Length} values need the base's at the same elements ({baseValues.Length})");
        }

        var start = sums.ModelElements;
        var length = values.Length;
        var head = LaneSums.Misalignment(start, length);
        var vectorEnd = head + ((length - head) / LaneSums.Lanes * LaneSums.Lanes);
        for (var i = 0; i < head; i++)
        {
            AddOne(sums, start + i, values[i], hasBase ? baseValues[i] : 0, references, referenceOffset + i);
        }

        for (var r = 0; r == 0 || r < references.Count; r += 2)
        {
            var inPass = Math.Min(2, references.Count - r);
            var pass = new PassInputs
            {
                Sums = sums,
                Start = start + head,
                Values = values[head..vectorEnd],
                BaseValues = hasBase ? baseValues[head..vectorEnd] : default,
                Reference0 = inPass > 0 ? references[r].AsSpan(referenceOffset + head, vectorEnd - head) : default,
                Reference1 = inPass > 1 ? references[r + 1].AsSpan(referenceOffset + head, vectorEnd - head) : default,
                Reference = r,
            };
            AddPass(pass, norms: r == 0, hasBase, inPass);
        }

        for (var i = vectorEnd; i < length; i++)
        {
            AddOne(sums, start + i, values[i], hasBase ? baseValues[i] : 0, references, referenceOffset + i);
        }

        sums.AddedModel(length);
    }

    /// <summary>One element's terms, one sum at a time: the elements before lane 0 comes round, and after the last whole vector.</summary>
    private static void AddOne(TensorMetricSums sums, long element, float m, float b, IReadOnlyList<float[]> references, int referenceIndex)
    {
        sums.ModelNorm.AddAt(element, m, m);
        var mergedDelta = m - b;
        if (sums.HasBase)
        {
            sums.BaseDistance.AddAt(element, mergedDelta, mergedDelta);
        }

        for (var r = 0; r < references.Count; r++)
        {
            var c = sums.Reference(r);
            var reference = references[r][referenceIndex];
            var d = m - reference;
            c.Distance.AddAt(element, d, d);
            c.Dot.AddAt(element, m, reference);
            if (sums.HasBase)
            {
                var taskDelta = reference - b;
                c.TaskProduct.AddAt(element, mergedDelta, taskDelta);
                if ((mergedDelta > 0 && taskDelta > 0) || (mergedDelta < 0 && taskDelta < 0))
                {
                    c.SignAgreements++;
                }
            }
        }
    }

    /// <summary>
    /// One pass over whole vectors: each shape of pass (norms or not, a base or not, 0 to 2 references) runs a loop of its
    /// own, compiled with its switches as constants (<see cref="IFlag"/>), so no iteration tests them.
    /// </summary>
    private static void AddPass(in PassInputs pass, bool norms, bool hasBase, int references)
    {
        if (norms)
        {
            AddPass<Yes>(pass, hasBase, references);
        }
        else
        {
            AddPass<No>(pass, hasBase, references);
        }
    }

    private static void AddPass<TNorms>(in PassInputs pass, bool hasBase, int references)
        where TNorms : struct, IFlag
    {
        if (hasBase)
        {
            AddPass<TNorms, Yes>(pass, references);
        }
        else
        {
            AddPass<TNorms, No>(pass, references);
        }
    }

    private static void AddPass<TNorms, TBase>(in PassInputs pass, int references)
        where TNorms : struct, IFlag
        where TBase : struct, IFlag
    {
        switch (references)
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

    private static void AddPass<TNorms, TBase, TFirst, TSecond>(in PassInputs pass)
        where TNorms : struct, IFlag
        where TBase : struct, IFlag
        where TFirst : struct, IFlag
        where TSecond : struct, IFlag
    {
        var sums = pass.Sums;
        TensorComparisonSums c0 = TFirst.IsSet ? sums.Reference(pass.Reference) : null!, c1 = TSecond.IsSet ? sums.Reference(pass.Reference + 1) : null!;
        Vector512<float> norm = default, baseDistance = default, distance0 = default, dot0 = default, task0 = default, distance1 = default, dot1 = default, task1 = default;
        long agreements0 = 0, agreements1 = 0;
        if (TNorms.IsSet)
        {
            (norm, baseDistance) = (sums.ModelNorm.Block, sums.BaseDistance.Block);
        }

        if (TFirst.IsSet)
        {
            (distance0, dot0, task0) = (c0.Distance.Block, c0.Dot.Block, c0.TaskProduct.Block);
        }

        if (TSecond.IsSet)
        {
            (distance1, dot1, task1) = (c1.Distance.Block, c1.Dot.Block, c1.TaskProduct.Block);
        }

        ref var m0 = ref MemoryMarshal.GetReference(pass.Values);
        ref var b0 = ref MemoryMarshal.GetReference(pass.BaseValues);
        ref var r0 = ref MemoryMarshal.GetReference(pass.Reference0);
        ref var r1 = ref MemoryMarshal.GetReference(pass.Reference1);
        var length = pass.Values.Length;
        (Vector512<float> b, Vector512<float> mergedDelta, uint mergedSigns) = (default, default, 0);
        for (var i = 0; i < length;)
        {
            for (var end = LaneSums.BlockEnd(pass.Start, i, length); i < end; i += LaneSums.Lanes)
            {
                var at = (nuint)i;
                var m = Vector512.LoadUnsafe(ref m0, at);
                if (TBase.IsSet)
                {
                    b = Vector512.LoadUnsafe(ref b0, at);
                    mergedDelta = m - b;
                    mergedSigns = Signs(mergedDelta);
                }

                if (TNorms.IsSet)
                {
                    norm = Vector512.FusedMultiplyAdd(m, m, norm);
                    if (TBase.IsSet)
                    {
                        baseDistance = Vector512.FusedMultiplyAdd(mergedDelta, mergedDelta, baseDistance);
                    }
                }

                if (TFirst.IsSet)
                {
                    Compare<TBase>(m, b, mergedDelta, mergedSigns, Vector512.LoadUnsafe(ref r0, at), ref distance0, ref dot0, ref task0, ref agreements0);
                }

                if (TSecond.IsSet)
                {
                    Compare<TBase>(m, b, mergedDelta, mergedSigns, Vector512.LoadUnsafe(ref r1, at), ref distance1, ref dot1, ref task1, ref agreements1);
                }
            }

            if (LaneSums.StartsBlock(pass.Start + i))
            {
                if (TNorms.IsSet)
                {
                    sums.ModelNorm.EndBlock(ref norm);
                    sums.BaseDistance.EndBlock(ref baseDistance);
                }

                if (TFirst.IsSet)
                {
                    EndBlock(c0, ref distance0, ref dot0, ref task0);
                }

                if (TSecond.IsSet)
                {
                    EndBlock(c1, ref distance1, ref dot1, ref task1);
                }
            }
        }

        if (TNorms.IsSet)
        {
            (sums.ModelNorm.Block, sums.BaseDistance.Block) = (norm, baseDistance);
        }

        if (TFirst.IsSet)
        {
            (c0.Distance.Block, c0.Dot.Block, c0.TaskProduct.Block) = (distance0, dot0, task0);
            c0.SignAgreements += agreements0;
        }

        if (TSecond.IsSet)
        {
            (c1.Distance.Block, c1.Dot.Block, c1.TaskProduct.Block) = (distance1, dot1, task1);
            c1.SignAgreements += agreements1;
        }
    }

    /// <summary>The terms of one reference, as <see cref="AddOne"/> adds them one element at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Compare<TBase>(
        Vector512<float> m,
        Vector512<float> b,
        Vector512<float> mergedDelta,
        uint mergedSigns,
        Vector512<float> r,
        ref Vector512<float> distance,
        ref Vector512<float> dot,
        ref Vector512<float> task,
        ref long agreements)
        where TBase : struct, IFlag
    {
        var d = m - r;
        distance = Vector512.FusedMultiplyAdd(d, d, distance);
        dot = Vector512.FusedMultiplyAdd(m, r, dot);
        if (TBase.IsSet)
        {
            var taskDelta = r - b;
            task = Vector512.FusedMultiplyAdd(mergedDelta, taskDelta, task);
            // Both deltas positive or both negative: a lane both sign words set (a zero or NaN delta sets neither bit).
            agreements += BitOperations.PopCount(mergedSigns & Signs(taskDelta));
        }
    }

    /// <summary>
    /// The signs of 16 values as one word: bit l where lane l is positive, bit 16 + l where it is negative, neither for a
    /// zero or NaN. Two values have the same strict sign where the AND of their words has a bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Signs(Vector512<float> values) =>
        (uint)Vector512.GreaterThan(values, Vector512<float>.Zero).ExtractMostSignificantBits()
        | ((uint)Vector512.LessThan(values, Vector512<float>.Zero).ExtractMostSignificantBits() << LaneSums.Lanes);

    // Inlined, so the loop's sums stay in registers across it (vector registers do not survive a call).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EndBlock(TensorComparisonSums sums, ref Vector512<float> distance, ref Vector512<float> dot, ref Vector512<float> task)
    {
        sums.Distance.EndBlock(ref distance);
        sums.Dot.EndBlock(ref dot);
        sums.TaskProduct.EndBlock(ref task);
    }

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
        public required TensorMetricSums Sums { get; init; }

        /// <summary>The element of the model at <see cref="Values"/>[0], in lane 0.</summary>
        public required long Start { get; init; }

        public required ReadOnlySpan<float> Values { get; init; }

        public required ReadOnlySpan<float> BaseValues { get; init; }

        public required ReadOnlySpan<float> Reference0 { get; init; }

        public required ReadOnlySpan<float> Reference1 { get; init; }

        /// <summary>The index of the pass's first reference.</summary>
        public required int Reference { get; init; }
    }
}
