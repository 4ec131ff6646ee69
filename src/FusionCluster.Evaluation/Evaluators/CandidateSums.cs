using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FusionCluster.Core.Tensors.Lanes;

namespace FusionCluster.Evaluation.Evaluators;

/// <summary>
/// Adds a model's values to its <see cref="TensorMetricSums"/> in <see cref="LaneSums"/>' order: its norms and its
/// comparison with every reference, in passes over the values of at most two references each (the first pass adds the
/// norms too), so each value is loaded once per pass and every sum stays in a register. Each task delta <c>r - b</c> is
/// taken again in every candidate's pass from the values it loads anyway (a block of them taken once and loaded back by
/// every candidate cost more: four more streams); their signs, a word per vector, are taken once for the candidates of a
/// block: on an AVX2 core, comparing and gathering them was more than half of a pass's instructions. The
/// references' own sums are added elsewhere, once for every model (<see cref="TensorComparisonSums.AddReferenceOnly"/>).
/// </summary>
internal static class CandidateSums
{
    /// <summary>
    /// Adds models' values of the same elements, <c>values[j][valuesOffset..][..length]</c> to <c>sums[j]</c> (each model's
    /// elements from its <see cref="TensorMetricSums.ModelElements"/> on, the same for all), with the widest vectors the
    /// machine accelerates: a 512-bit vector where there is none is made of narrower ones, which the JIT keeps partly in
    /// memory. The signs of the task deltas <c>r - b</c>, the same for every model, are taken once for all of them.
    /// </summary>
    /// <param name="baseValues">The base's values at the same elements; empty without a base.</param>
    /// <param name="references">Reference r's values at these elements are <c>references[r][referenceOffset..]</c>.</param>
    public static void Add(IReadOnlyList<TensorMetricSums> sums, IReadOnlyList<float[]> values, int valuesOffset, int length, ReadOnlySpan<float> baseValues, IReadOnlyList<float[]> references, int referenceOffset)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Add<FloatLanes512, Vector512<float>>(sums, values, valuesOffset, length, baseValues, references, referenceOffset);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Add<FloatLanes256, Vector256<float>>(sums, values, valuesOffset, length, baseValues, references, referenceOffset);
        }
        else
        {
            Add<FloatLanes128, Vector128<float>>(sums, values, valuesOffset, length, baseValues, references, referenceOffset);
        }
    }

    /// <summary><see cref="Add(IReadOnlyList{TensorMetricSums}, IReadOnlyList{float[]}, int, int, ReadOnlySpan{float}, IReadOnlyList{float[]}, int)"/> with vectors of one width, each of which gives the same bits.</summary>
    internal static void Add<TLanes, TVector>(IReadOnlyList<TensorMetricSums> sums, IReadOnlyList<float[]> values, int valuesOffset, int length, ReadOnlySpan<float> baseValues, IReadOnlyList<float[]> references, int referenceOffset)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        if (sums.Count == 0)
        {
            return;
        }

        var hasBase = sums[0].HasBase;
        var start = sums[0].ModelElements;
        if (hasBase && baseValues.Length != length)
        {
            throw new ArgumentException($"a model's {length} values need the base's at the same elements ({baseValues.Length})");
        }

        if (sums.Count != values.Count)
        {
            throw new ArgumentException($"{values.Count} models' values for {sums.Count} sums");
        }

        for (var j = 1; j < sums.Count; j++)
        {
            if (sums[j].ModelElements != start || sums[j].HasBase != hasBase)
            {
                throw new ArgumentException($"model {j}'s sums are at element {sums[j].ModelElements} (base: {sums[j].HasBase}), the first's at {start} (base: {hasBase})");
            }
        }

        var head = LaneSums.Misalignment(start, length);
        var vectorEnd = head + ((length - head) / LaneSums.Lanes * LaneSums.Lanes);
        var vectors = (vectorEnd - head) / TLanes.Count;
        var signs = hasBase && references.Count > 0 ? ArrayPool<uint>.Shared.Rent(references.Count * vectors) : [];
        try
        {
            for (var r = 0; r < references.Count && signs.Length > 0; r++)
            {
                TaskSigns<TLanes, TVector>(references[r].AsSpan(referenceOffset + head, vectorEnd - head), baseValues[head..vectorEnd], signs.AsSpan(r * vectors, vectors));
            }

            for (var j = 0; j < sums.Count; j++)
            {
                Add<TLanes, TVector>(sums[j], values[j].AsSpan(valuesOffset, length), baseValues, references, referenceOffset, (head, vectorEnd), signs);
            }
        }
        finally
        {
            if (signs.Length > 0)
            {
                ArrayPool<uint>.Shared.Return(signs);
            }
        }
    }

    /// <summary>
    /// One model's values: elements before <c>whole.Head</c> and from <c>whole.End</c> one at a time, whole vectors between;
    /// <paramref name="signs"/> holds each reference's task delta sign words of those vectors.
    /// </summary>
    private static void Add<TLanes, TVector>(TensorMetricSums sums, ReadOnlySpan<float> values, ReadOnlySpan<float> baseValues, IReadOnlyList<float[]> references, int referenceOffset, (int Head, int End) whole, uint[] signs)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        var hasBase = sums.HasBase;
        var start = sums.ModelElements;
        var length = values.Length;
        var (head, vectorEnd) = whole;
        var vectors = (vectorEnd - head) / TLanes.Count;
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
                TaskSigns0 = inPass > 0 && hasBase ? signs.AsSpan(r * vectors, vectors) : default,
                TaskSigns1 = inPass > 1 && hasBase ? signs.AsSpan((r + 1) * vectors, vectors) : default,
                Reference = r,
            };
            AddPass<TLanes, TVector>(pass, norms: r == 0, hasBase, inPass);
        }

        for (var i = vectorEnd; i < length; i++)
        {
            AddOne(sums, start + i, values[i], hasBase ? baseValues[i] : 0, references, referenceOffset + i);
        }

        sums.AddedModel(length);
    }

    /// <summary>The signs of <c>r - b</c>, one word per vector (<see cref="IFloatLanes{TVector}.Signs"/>).</summary>
    private static void TaskSigns<TLanes, TVector>(ReadOnlySpan<float> reference, ReadOnlySpan<float> baseValues, Span<uint> words)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        ref var r = ref MemoryMarshal.GetReference(reference);
        ref var b = ref MemoryMarshal.GetReference(baseValues);
        for (var v = 0; v < words.Length; v++)
        {
            var at = (nuint)(v * TLanes.Count);
            words[v] = TLanes.Signs(TLanes.Subtract(TLanes.Load(ref r, at), TLanes.Load(ref b, at)));
        }
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
    private static void AddPass<TLanes, TVector>(in PassInputs pass, bool norms, bool hasBase, int references)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        if (norms)
        {
            AddPass<TLanes, TVector, Yes>(pass, hasBase, references);
        }
        else
        {
            AddPass<TLanes, TVector, No>(pass, hasBase, references);
        }
    }

    private static void AddPass<TLanes, TVector, TNorms>(in PassInputs pass, bool hasBase, int references)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
        where TNorms : struct, IFlag
    {
        if (hasBase)
        {
            AddPass<TLanes, TVector, TNorms, Yes>(pass, references);
        }
        else
        {
            AddPass<TLanes, TVector, TNorms, No>(pass, references);
        }
    }

    private static void AddPass<TLanes, TVector, TNorms, TBase>(in PassInputs pass, int references)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
        where TNorms : struct, IFlag
        where TBase : struct, IFlag
    {
        switch (references)
        {
            case 0:
                AddPass<TLanes, TVector, TNorms, TBase, No, No>(pass);
                break;
            case 1:
                AddPass<TLanes, TVector, TNorms, TBase, Yes, No>(pass);
                break;
            default:
                AddPass<TLanes, TVector, TNorms, TBase, Yes, Yes>(pass);
                break;
        }
    }

    /// <summary>
    /// The pass, a block of <see cref="LaneSums.BlockElements"/> at a time. A vector narrower than <see cref="LaneSums.Lanes"/>
    /// takes a block's lanes a part at a time (lanes 0-7, then 8-15 for 256 bits): each lane still adds its terms in element
    /// order by one fused multiply-add each, so the sums are the same bits at every width; a block's values are in the
    /// core's cache when the second part reads them.
    /// </summary>
    private static void AddPass<TLanes, TVector, TNorms, TBase, TFirst, TSecond>(in PassInputs pass)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
        where TNorms : struct, IFlag
        where TBase : struct, IFlag
        where TFirst : struct, IFlag
        where TSecond : struct, IFlag
    {
        var sums = pass.Sums;
        TensorComparisonSums c0 = TFirst.IsSet ? sums.Reference(pass.Reference) : null!, c1 = TSecond.IsSet ? sums.Reference(pass.Reference + 1) : null!;
        ref var m0 = ref MemoryMarshal.GetReference(pass.Values);
        ref var b0 = ref MemoryMarshal.GetReference(pass.BaseValues);
        ref var r0 = ref MemoryMarshal.GetReference(pass.Reference0);
        ref var r1 = ref MemoryMarshal.GetReference(pass.Reference1);
        ref var signs0 = ref MemoryMarshal.GetReference(pass.TaskSigns0);
        ref var signs1 = ref MemoryMarshal.GetReference(pass.TaskSigns1);
        var length = pass.Values.Length;
        long agreements0 = 0, agreements1 = 0;
        for (var i = 0; i < length;)
        {
            var end = LaneSums.BlockEnd(pass.Start, i, length);
            for (var lane = 0; lane < LaneSums.Lanes; lane += TLanes.Count)
            {
                // Locals, so the loop keeps its sums in registers.
                TVector norm = default, baseDistance = default, distance0 = default, dot0 = default, task0 = default;
                TVector distance1 = default, dot1 = default, task1 = default;
                if (TNorms.IsSet)
                {
                    (norm, baseDistance) = (sums.ModelNorm.BlockLanes<TLanes, TVector>(lane), sums.BaseDistance.BlockLanes<TLanes, TVector>(lane));
                }

                if (TFirst.IsSet)
                {
                    (distance0, dot0, task0) = (c0.Distance.BlockLanes<TLanes, TVector>(lane), c0.Dot.BlockLanes<TLanes, TVector>(lane), c0.TaskProduct.BlockLanes<TLanes, TVector>(lane));
                }

                if (TSecond.IsSet)
                {
                    (distance1, dot1, task1) = (c1.Distance.BlockLanes<TLanes, TVector>(lane), c1.Dot.BlockLanes<TLanes, TVector>(lane), c1.TaskProduct.BlockLanes<TLanes, TVector>(lane));
                }

                (TVector b, TVector mergedDelta, uint mergedSigns) = (default, default, 0u);
                for (var k = i + lane; k < end; k += LaneSums.Lanes)
                {
                    var at = (nuint)k;
                    var m = TLanes.Load(ref m0, at);
                    if (TBase.IsSet)
                    {
                        b = TLanes.Load(ref b0, at);
                        mergedDelta = TLanes.Subtract(m, b);
                        mergedSigns = TLanes.Signs(mergedDelta);
                    }

                    if (TNorms.IsSet)
                    {
                        norm = TLanes.FusedMultiplyAdd(m, m, norm);
                        if (TBase.IsSet)
                        {
                            baseDistance = TLanes.FusedMultiplyAdd(mergedDelta, mergedDelta, baseDistance);
                        }
                    }

                    if (TFirst.IsSet)
                    {
                        Compare<TLanes, TVector, TBase>(m, b, mergedDelta, mergedSigns, TLanes.Load(ref r0, at), TBase.IsSet ? Unsafe.Add(ref signs0, k / TLanes.Count) : 0, ref distance0, ref dot0, ref task0, ref agreements0);
                    }

                    if (TSecond.IsSet)
                    {
                        Compare<TLanes, TVector, TBase>(m, b, mergedDelta, mergedSigns, TLanes.Load(ref r1, at), TBase.IsSet ? Unsafe.Add(ref signs1, k / TLanes.Count) : 0, ref distance1, ref dot1, ref task1, ref agreements1);
                    }
                }

                if (TNorms.IsSet)
                {
                    sums.ModelNorm.SetBlockLanes<TLanes, TVector>(lane, norm);
                    sums.BaseDistance.SetBlockLanes<TLanes, TVector>(lane, baseDistance);
                }

                if (TFirst.IsSet)
                {
                    SetBlockLanes<TLanes, TVector>(c0, lane, distance0, dot0, task0);
                }

                if (TSecond.IsSet)
                {
                    SetBlockLanes<TLanes, TVector>(c1, lane, distance1, dot1, task1);
                }
            }

            i = end;
            if (LaneSums.StartsBlock(pass.Start + i))
            {
                if (TNorms.IsSet)
                {
                    sums.ModelNorm.EndBlock();
                    sums.BaseDistance.EndBlock();
                }

                if (TFirst.IsSet)
                {
                    EndBlock(c0);
                }

                if (TSecond.IsSet)
                {
                    EndBlock(c1);
                }
            }
        }

        if (TFirst.IsSet)
        {
            c0.SignAgreements += agreements0;
        }

        if (TSecond.IsSet)
        {
            c1.SignAgreements += agreements1;
        }
    }

    /// <summary>The terms of one reference, as <see cref="AddOne"/> adds them one element at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Compare<TLanes, TVector, TBase>(
        TVector m,
        TVector b,
        TVector mergedDelta,
        uint mergedSigns,
        TVector r,
        uint taskSigns,
        ref TVector distance,
        ref TVector dot,
        ref TVector task,
        ref long agreements)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
        where TBase : struct, IFlag
    {
        var d = TLanes.Subtract(m, r);
        distance = TLanes.FusedMultiplyAdd(d, d, distance);
        dot = TLanes.FusedMultiplyAdd(m, r, dot);
        if (TBase.IsSet)
        {
            var taskDelta = TLanes.Subtract(r, b);
            task = TLanes.FusedMultiplyAdd(mergedDelta, taskDelta, task);
            // Both deltas positive or both negative: a lane both sign words set (a zero or NaN delta sets neither bit).
            agreements += BitOperations.PopCount(mergedSigns & taskSigns);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SetBlockLanes<TLanes, TVector>(TensorComparisonSums sums, int lane, TVector distance, TVector dot, TVector task)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        sums.Distance.SetBlockLanes<TLanes, TVector>(lane, distance);
        sums.Dot.SetBlockLanes<TLanes, TVector>(lane, dot);
        sums.TaskProduct.SetBlockLanes<TLanes, TVector>(lane, task);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EndBlock(TensorComparisonSums sums)
    {
        sums.Distance.EndBlock();
        sums.Dot.EndBlock();
        sums.TaskProduct.EndBlock();
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

        /// <summary>The signs of <see cref="Reference0"/>'s task deltas, a word per vector; empty without a base.</summary>
        public required ReadOnlySpan<uint> TaskSigns0 { get; init; }

        public required ReadOnlySpan<uint> TaskSigns1 { get; init; }

        /// <summary>The index of the pass's first reference.</summary>
        public required int Reference { get; init; }
    }
}
