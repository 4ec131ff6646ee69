using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FusionCluster.Core.Tensors;
using FusionCluster.Core.Tensors.Lanes;

namespace FusionCluster.Core.Methods.Kernels;

/// <summary>
/// Several candidates' outputs of one tensor, computed chunk by chunk from inputs decoded once for all of them, for
/// methods whose output element depends only on the same element of the inputs and on parameters (linear; the task
/// arithmetic family when no model is sparsified, with or without TIES sign consensus; nearswap; passthrough) and
/// candidates that read the same tensors and differ only in parameters. Each candidate's element goes through exactly
/// the float operations, in the same order, as in the method's own kernel (<see cref="LinearCombination"/>,
/// <see cref="GeneralizedTaskArithmetic"/>'s final pass, <see cref="NearswapMethod"/>, <see cref="PassthroughMethod"/>),
/// on the same chunk plan, so each output equals merging that candidate alone, bit for bit, however a caller cuts a
/// chunk into blocks (each element depends on its inputs alone); nothing holds a whole output. One
/// <see cref="ForEachChunk"/> at a time per instance.
/// </summary>
public sealed class ElementwiseCandidates
{
    private readonly TensorSource? baseSource;
    private readonly IReadOnlyList<TensorSource> sources;
    private readonly ChunkPlan plan;

    /// <summary>Per candidate, its method's computation of one block of a chunk.</summary>
    private readonly CandidateKernel[] kernels;

    /// <summary>Per candidate, a kernel that also rounds through bf16 in its own pass (task arithmetic without sign consensus), or null.</summary>
    private readonly RoundingKernel?[] roundingKernels;

    /// <summary>Whether the kernels read the inputs only through their deltas x_i - b, then taken once per chunk for all candidates.</summary>
    private readonly bool sharedDeltas;

    /// <summary>
    /// The current chunk's decoded inputs (their deltas when <see cref="sharedDeltas"/>) and base, while
    /// <see cref="ForEachChunk"/> runs: the buffers below, or a lending source's own arrays (<see cref="ChunkLending"/>),
    /// which are only read.
    /// </summary>
    private float[][] inputs = [];
    private float[] baseValues = [];
    private int chunkLength;

    /// <summary>The buffers chunks are read into, or the deltas taken, when not lent.</summary>
    private float[][] inputBuffers = [];
    private float[] baseBuffer = [];

    private ElementwiseCandidates(
        TensorSource? baseSource, IReadOnlyList<TensorSource> sources, ChunkPlan plan, CandidateKernel[] kernels, RoundingKernel?[] roundingKernels, bool sharedDeltas, int scratchBlocks)
    {
        this.baseSource = baseSource;
        this.sources = sources;
        this.plan = plan;
        this.kernels = kernels;
        this.roundingKernels = roundingKernels;
        this.sharedDeltas = sharedDeltas;
        ScratchBlocks = scratchBlocks;
    }

    /// <summary>
    /// One candidate's values at elements [offset, offset + output.Length) of the chunk: from the chunk's inputs (model by
    /// model, whole chunk) and the base's values at those elements (empty without a base).
    /// </summary>
    private delegate void CandidateKernel(float[][] inputs, ReadOnlySpan<float> baseValues, int offset, Span<float> output, Span<float> scratch);

    /// <summary>A <see cref="CandidateKernel"/> whose values come out rounded through bf16; false when one was not finite before.</summary>
    private delegate bool RoundingKernel(float[][] inputs, ReadOnlySpan<float> baseValues, int offset, Span<float> output);

    public int Candidates => kernels.Length;

    public long ElementCount => plan.Total;

    /// <summary>How many blocks of <see cref="Compute"/>'s output length its scratch must hold (one per model under sign consensus).</summary>
    public int ScratchBlocks { get; }

    /// <summary>
    /// The fast path for these candidates of <paramref name="method"/>, or null when it does not apply (another method,
    /// a sparsified model, no model, or candidates that do not read the same tensors by the same plan): the caller then
    /// merges each candidate alone, which also reports any error in its parameters.
    /// </summary>
    /// <param name="candidates">One context per candidate; their inputs are read from the first one's sources.</param>
    public static ElementwiseCandidates? TryCreate(IMergeMethod method, IReadOnlyList<MergeTensorContext> candidates)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0 || !ReadSameInputs(candidates))
        {
            return null;
        }

        var first = candidates[0];
        if (first.Models.Count == 0)
        {
            return null;
        }

        try
        {
            var taskArithmetic = method is GeneralizedTaskArithmetic gta && first.Base is not null && candidates.All(c => Unsparsified(gta, c));
            var kernels = method switch
            {
                LinearMethod linear => candidates.Select(c => LinearKernel(linear.Weights(c).Select(w => (float)w).ToArray())).ToArray(),
                GeneralizedTaskArithmetic g when taskArithmetic => candidates.Select(c => TaskArithmeticKernel(g, c)).ToArray(),
                NearswapMethod when first.Base is not null && first.Models.Count == 1 => candidates.Select(c => NearswapKernel((float)MethodParameters.RequiredGlobal(c, "t"))).ToArray(),
                PassthroughMethod when first.Models.Count == 1 => candidates.Select(c => PassthroughKernel((float)c.Models[0].Get("scale", 1))).ToArray(),
                _ => null,
            };
            if (kernels is null)
            {
                return null;
            }

            var roundingKernels = method is GeneralizedTaskArithmetic { SignConsensus: false } mixing && taskArithmetic
                ? candidates.Select(c => TaskArithmeticRoundingKernel(mixing, c)).ToArray()
                : new RoundingKernel?[kernels.Length];

            // The plan the method's own pass runs on (della's chunks hold whole rows).
            var chunks = method is GeneralizedTaskArithmetic { Sparsifier: GtaSparsifier.DellaMagprune } ? ChunkPlan.Rows(first) : ChunkPlan.Flat(first);
            var scratchBlocks = method is GeneralizedTaskArithmetic { SignConsensus: true } ? first.Models.Count : 1;
            return new ElementwiseCandidates(method.BaseModel == BaseModelUse.NotUsed ? null : first.Base, first.Models.Select(m => m.Tensor).ToArray(), chunks, kernels, roundingKernels, taskArithmetic, scratchBlocks);
        }
        catch (MergeMethodException)
        {
            // A candidate's parameters are wrong: merging it alone says so, naming the tensor.
            return null;
        }
    }

    /// <summary>
    /// Decodes the inputs chunk by chunk in element order (task arithmetic's deltas <c>x_i - b</c> taken once for all
    /// candidates) and calls <paramref name="consume"/> with each chunk's start and length; during that call
    /// <see cref="Compute"/> gives any candidate's values at any part of the chunk.
    /// </summary>
    public void ForEachChunk(Action<long, int> consume, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consume);
        var size = Math.Max(1, (int)Math.Min(plan.ChunkSize, plan.Total));
        inputBuffers = sources.Select(_ => ArrayPool<float>.Shared.Rent(size)).ToArray();
        baseBuffer = ArrayPool<float>.Shared.Rent(baseSource is null ? 1 : size);
        inputs = new float[sources.Count][];
        baseValues = baseBuffer;
        try
        {
            for (var chunk = 0; chunk < plan.Count; chunk++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = plan.Start(chunk);
                var length = plan.Length(chunk);
                Parallel.For(0, sources.Count + 1, s =>
                {
                    if (s < sources.Count)
                    {
                        inputs[s] = ChunkLending.Read(sources[s], start, length, inputBuffers[s]);
                    }
                    else if (baseSource is not null)
                    {
                        baseValues = ChunkLending.Read(baseSource, start, length, baseBuffer);
                    }
                });
                if (sharedDeltas)
                {
                    // Into the buffers (in place when read there): task arithmetic reads the inputs only through their deltas.
                    for (var s = 0; s < inputs.Length; s++)
                    {
                        TensorPrimitives.Subtract(inputs[s].AsSpan(0, length), baseValues.AsSpan(0, length), inputBuffers[s].AsSpan(0, length));
                        inputs[s] = inputBuffers[s];
                    }
                }

                chunkLength = length;
                consume(start, length);
            }
        }
        finally
        {
            foreach (var buffer in inputBuffers.Append(baseBuffer))
            {
                ArrayPool<float>.Shared.Return(buffer);
            }

            (inputs, baseValues, inputBuffers, baseBuffer, chunkLength) = ([], [], [], [], 0);
        }
    }

    /// <summary>
    /// Candidate <paramref name="candidate"/>'s values at elements [offset, offset + output.Length) of the chunk
    /// <see cref="ForEachChunk"/> is consuming, through exactly its method's float operations on each element; calls with
    /// different outputs and scratch may run at once.
    /// </summary>
    /// <param name="scratch">At least <see cref="ScratchBlocks"/> × <c>output.Length</c> floats of the caller's, overwritten.</param>
    public void Compute(int candidate, int offset, Span<float> output, Span<float> scratch)
    {
        CheckBlock(offset, output, scratch);
        kernels[candidate](inputs, BaseBlock(offset, output.Length), offset, output, scratch[..(ScratchBlocks * output.Length)]);
    }

    /// <summary>
    /// <see cref="Compute"/>, each value then as writing it in bf16 and reading it back leaves it
    /// (<see cref="DTypeCodec.RoundThroughBFloat16"/>): in the kernel's own pass for task arithmetic, whose candidates are
    /// then not stored and loaded again to be rounded. False when a value was not finite before rounding (the values are
    /// then unspecified).
    /// </summary>
    public bool ComputeThroughBFloat16(int candidate, int offset, Span<float> output, Span<float> scratch)
    {
        CheckBlock(offset, output, scratch);
        if (roundingKernels[candidate] is { } rounding)
        {
            return rounding(inputs, BaseBlock(offset, output.Length), offset, output);
        }

        kernels[candidate](inputs, BaseBlock(offset, output.Length), offset, output, scratch[..(ScratchBlocks * output.Length)]);
        return DTypeCodec.RoundThroughBFloat16(output);
    }

    private void CheckBlock(int offset, Span<float> output, Span<float> scratch)
    {
        if (offset < 0 || offset + output.Length > chunkLength || scratch.Length < ScratchBlocks * output.Length)
        {
            throw new ArgumentException($"elements [{offset}, {offset + output.Length}) of a chunk of {chunkLength} (scratch of {scratch.Length}, {ScratchBlocks} blocks needed)");
        }
    }

    private ReadOnlySpan<float> BaseBlock(int offset, int length) => baseSource is null ? [] : baseValues.AsSpan(offset, length);

    /// <summary><see cref="LinearCombination"/> without an origin: sum = Σ x_i·c_i, accumulated in model order.</summary>
    private static CandidateKernel LinearKernel(float[] coefficients) => (inputs, _, offset, sum, _) =>
    {
        sum.Clear();
        for (var i = 0; i < inputs.Length; i++)
        {
            TensorPrimitives.MultiplyAdd(inputs[i].AsSpan(offset, sum.Length), coefficients[i], sum, sum);
        }
    };

    /// <summary>
    /// <see cref="GeneralizedTaskArithmetic"/>'s final pass with no mask, from the deltas x_i - b: d_i = (x_i - b)·w_i
    /// (when w_i ≠ 1); with sign consensus <see cref="ConsensusMix"/> adds the agreeing d_i to b, otherwise
    /// mix = ((d_0 + d_1) + d_2) ... and out = mix·(λ / divisor) + b.
    /// </summary>
    private static CandidateKernel TaskArithmeticKernel(GeneralizedTaskArithmetic gta, MergeTensorContext ctx)
    {
        var (weights, factors, normalize, lambda, scale) = TaskArithmeticParameters(gta, ctx);
        if (gta.SignConsensus)
        {
            return (deltas, baseValues, offset, output, weighted) =>
            {
                var length = output.Length;
                for (var i = 0; i < deltas.Length; i++)
                {
                    Weighted(deltas[i].AsSpan(offset, length), factors[i], weighted.Slice(i * length, length));
                }

                // In place on a copy of the base, as the method's own pass runs it.
                baseValues.CopyTo(output);
                ConsensusMix.AddTo(weighted, length, weights, normalize, (float)lambda, output);
            };
        }

        return (deltas, baseValues, offset, output, _) => MixDeltas(deltas, factors, scale, baseValues, offset, output, throughBFloat16: false);
    }

    private static RoundingKernel TaskArithmeticRoundingKernel(GeneralizedTaskArithmetic gta, MergeTensorContext ctx)
    {
        var (_, factors, _, _, scale) = TaskArithmeticParameters(gta, ctx);
        return (deltas, baseValues, offset, output) => MixDeltas(deltas, factors, scale, baseValues, offset, output, throughBFloat16: true);
    }

    /// <summary>Each model's weight (as a double and as the float factor), normalize, lambda, and the float scale of the summed deltas.</summary>
    private static (double[] Weights, float[] Factors, bool Normalize, double Lambda, float Scale) TaskArithmeticParameters(GeneralizedTaskArithmetic gta, MergeTensorContext ctx)
    {
        var weights = ctx.Models.Select(m => MethodParameters.RequiredPerModel(ctx, m, "weight")).ToArray();
        var normalize = MethodParameters.Flag(ctx, "normalize", gta.DefaultNormalize);
        var lambda = MethodParameters.Global(ctx, "lambda", 1);
        var divisor = normalize && Math.Abs(weights.Sum()) >= 1e-8 ? weights.Sum() : 1;
        return (weights, weights.Select(w => (float)w).ToArray(), normalize, lambda, (float)(lambda / divisor));
    }

    /// <summary>
    /// out = (((d_0·w_0) + d_1·w_1) + ...)·scale + b, element by element in one pass, each product and sum rounded to float
    /// as the method's pass rounds it (no fused multiply-add; d_i itself where w_i is 1).
    /// </summary>
    /// <param name="throughBFloat16">Round the values through bf16 too (<see cref="DTypeCodec.RoundThroughBFloat16"/>), in this pass where two models make it; then false when one was not finite before.</param>
    // Compiled as a method of its own: inlined into a kernel's lambda, it left the JIT no budget to inline the vector
    // helpers below, whose vectors then went through memory on every call (the scoring job's candidates took 60 % longer).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool MixDeltas(float[][] deltas, float[] factors, float scale, ReadOnlySpan<float> baseValues, int offset, Span<float> output, bool throughBFloat16)
    {
        var shortest = int.MaxValue;
        foreach (var delta in deltas)
        {
            shortest = Math.Min(shortest, delta.Length);
        }

        if (baseValues.Length < output.Length || shortest < offset + output.Length)
        {
            throw new ArgumentException($"elements [{offset}, {offset + output.Length}) of deltas of {shortest} values and a base block of {baseValues.Length}");
        }

        // Loads without bounds checks, which the lengths above make safe: they are most of this loop's work otherwise.
        ref var b = ref MemoryMarshal.GetReference(baseValues);
        ref var o = ref MemoryMarshal.GetReference(output);
        var n = (nuint)output.Length;
        var first = (nuint)offset;
        nuint k = 0;
        var (finite, rounded) = (true, 0);
        if (deltas.Length == 2 && Vector128.IsHardwareAccelerated)
        {
            var mixed = Vector512.IsHardwareAccelerated ? MixTwoDeltas<FloatLanes512, Vector512<float>>(deltas, factors, scale, ref b, first, ref o, n, throughBFloat16)
                : Vector256.IsHardwareAccelerated ? MixTwoDeltas<FloatLanes256, Vector256<float>>(deltas, factors, scale, ref b, first, ref o, n, throughBFloat16)
                : MixTwoDeltas<FloatLanes128, Vector128<float>>(deltas, factors, scale, ref b, first, ref o, n, throughBFloat16);
            (k, finite) = (mixed.Elements, mixed.Finite);
            rounded = (int)k;
        }

        if (Vector512.IsHardwareAccelerated)
        {
            for (; k + (nuint)Vector512<float>.Count <= n; k += (nuint)Vector512<float>.Count)
            {
                var mix = Weighted(Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(deltas[0]), first + k), factors[0]);
                for (var i = 1; i < deltas.Length; i++)
                {
                    mix += Weighted(Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(deltas[i]), first + k), factors[i]);
                }

                ((mix * scale) + Vector512.LoadUnsafe(ref b, k)).StoreUnsafe(ref o, k);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; k + (nuint)Vector256<float>.Count <= n; k += (nuint)Vector256<float>.Count)
            {
                var mix = Weighted(Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(deltas[0]), first + k), factors[0]);
                for (var i = 1; i < deltas.Length; i++)
                {
                    mix += Weighted(Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(deltas[i]), first + k), factors[i]);
                }

                ((mix * scale) + Vector256.LoadUnsafe(ref b, k)).StoreUnsafe(ref o, k);
            }
        }

        for (; k < n; k++)
        {
            var mix = Weighted(deltas[0][first + k], factors[0]);
            for (var i = 1; i < deltas.Length; i++)
            {
                mix += Weighted(deltas[i][first + k], factors[i]);
            }

            Unsafe.Add(ref o, k) = (mix * scale) + Unsafe.Add(ref b, k);
        }

        // What the two-model loop did not round: other model counts, and the few values after its last whole vector.
        return !throughBFloat16 || (DTypeCodec.RoundThroughBFloat16(output[rounded..]) && finite);
    }

    /// <summary>
    /// Two models (a base and two fine-tunes, the common merge): their arrays and factors stay in registers, broadcast and
    /// tested once, instead of being looked up for every vector, which was most of <see cref="MixDeltas"/>' instructions;
    /// the same operations in the same order as its loops, in the widest vectors the machine accelerates (before, only with
    /// AVX-512: an AVX2 core took the general loop and a second pass to round). Returns the elements done, whole vectors, and whether the rounded ones were
    /// all finite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (nuint Elements, bool Finite) MixTwoDeltas<TLanes, TVector>(float[][] deltas, float[] factors, float scale, ref float b, nuint first, ref float o, nuint n, bool throughBFloat16)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        ref var d0 = ref MemoryMarshal.GetArrayDataReference(deltas[0]);
        ref var d1 = ref MemoryMarshal.GetArrayDataReference(deltas[1]);
        var (weighs0, weighs1) = (factors[0] != 1, factors[1] != 1);
        var (f0, f1, scaleVector) = (TLanes.Broadcast(factors[0]), TLanes.Broadcast(factors[1]), TLanes.Broadcast(scale));
        TVector largestExponent = default;
        var width = (nuint)TLanes.Count;
        nuint k = 0;
        for (; k + width <= n; k += width)
        {
            var (x0, x1) = (TLanes.Load(ref d0, first + k), TLanes.Load(ref d1, first + k));
            var mix = TLanes.Add(weighs0 ? TLanes.Multiply(x0, f0) : x0, weighs1 ? TLanes.Multiply(x1, f1) : x1);
            var value = TLanes.Add(TLanes.Multiply(mix, scaleVector), TLanes.Load(ref b, k));
            if (throughBFloat16)
            {
                // DTypeCodec.RoundThroughBFloat16's steps, on the values still in a register, for finite values: a
                // non-finite one has the largest exponent, and then the values are not used (so NaN needs no case).
                value = TLanes.RoundFiniteThroughBFloat16(value, ref largestExponent);
            }

            TLanes.Store(value, ref o, k);
        }

        return (k, TLanes.AllFinite(largestExponent));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Weighted(Vector512<float> delta, float factor) => factor != 1 ? delta * factor : delta;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Weighted(Vector256<float> delta, float factor) => factor != 1 ? delta * factor : delta;

    private static float Weighted(float delta, float factor) => factor != 1 ? delta * factor : delta;

    /// <summary>d·w as the method's pass computes it: the delta itself when w is 1.</summary>
    private static void Weighted(ReadOnlySpan<float> delta, float factor, Span<float> output)
    {
        if (factor != 1)
        {
            TensorPrimitives.Multiply(delta, factor, output);
        }
        else
        {
            delta.CopyTo(output);
        }
    }

    /// <summary><see cref="NearswapMethod"/>: w = clamp(t / max(|b - x|, 1e-6), 0, 1), out = w x + (1 - w) b.</summary>
    private static CandidateKernel NearswapKernel(float t) => (inputs, b, offset, output, _) =>
    {
        var x = inputs[0].AsSpan(offset, output.Length);
        for (var k = 0; k < output.Length; k++)
        {
            var w = Math.Clamp(t / MathF.Max(MathF.Abs(b[k] - x[k]), 1e-6f), 0f, 1f);
            output[k] = w * x[k] + (1 - w) * b[k];
        }
    };

    /// <summary><see cref="PassthroughMethod"/>: the model's values, times its scale unless that is 1.</summary>
    private static CandidateKernel PassthroughKernel(float scale) => (inputs, _, offset, output, _) =>
    {
        inputs[0].AsSpan(offset, output.Length).CopyTo(output);
        if (scale != 1)
        {
            for (var k = 0; k < output.Length; k++)
            {
                output[k] *= scale;
            }
        }
    };

    /// <summary>Whether the method sparsifies none of the candidate's models (every density at least 1): its pass is elementwise.</summary>
    private static bool Unsparsified(GeneralizedTaskArithmetic gta, MergeTensorContext ctx) =>
        gta.Sparsifier == GtaSparsifier.None || ctx.Models.All(m => m.Get("density", 1) >= 1);

    private static bool ReadSameInputs(IReadOnlyList<MergeTensorContext> candidates)
    {
        var first = candidates[0];
        return candidates.All(c =>
            c.ElementCount == first.ElementCount
            && c.ChunkElements == first.ChunkElements
            && c.BaseModel == first.BaseModel
            && (c.Base is null) == (first.Base is null)
            && c.Models.Select(m => m.Model).SequenceEqual(first.Models.Select(m => m.Model), StringComparer.Ordinal));
    }
}
