using System.Buffers;
using System.Numerics.Tensors;

namespace FusionCluster.Core.Methods.Kernels;

/// <summary>
/// Several candidates' outputs of one tensor, computed chunk by chunk from inputs decoded once for all of them, for
/// methods whose output element depends only on the same element of the inputs and on parameters (linear; the task
/// arithmetic family when no model is sparsified, with or without TIES sign consensus; nearswap; passthrough) and
/// candidates that read the same tensors and differ only in parameters. Each candidate's chunk goes through exactly
/// the float operations, in the same order and on the same chunk plan, as the method's own kernel
/// (<see cref="LinearCombination"/>, <see cref="GeneralizedTaskArithmetic"/>'s final pass, <see cref="NearswapMethod"/>,
/// <see cref="PassthroughMethod"/>), so each output equals merging that candidate alone, bit for bit; nothing holds a
/// whole output.
/// </summary>
public sealed class ElementwiseCandidates
{
    private readonly TensorSource? baseSource;
    private readonly IReadOnlyList<TensorSource> sources;
    private readonly ChunkPlan plan;

    /// <summary>Per candidate, its method's computation of one chunk.</summary>
    private readonly CandidateKernel[] kernels;

    private ElementwiseCandidates(TensorSource? baseSource, IReadOnlyList<TensorSource> sources, ChunkPlan plan, CandidateKernel[] kernels)
    {
        this.baseSource = baseSource;
        this.sources = sources;
        this.plan = plan;
        this.kernels = kernels;
    }

    /// <summary>One candidate's output chunk from the inputs' chunk (model by model) and the base's (empty without one).</summary>
    /// <param name="scratch">Room for one chunk per model, the candidate's own.</param>
    private delegate void CandidateKernel(float[][] inputs, ReadOnlySpan<float> baseValues, int length, float[] scratch, Span<float> output);

    public int Candidates => kernels.Length;

    public long ElementCount => plan.Total;

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
            var kernels = method switch
            {
                LinearMethod linear => candidates.Select(c => LinearKernel(linear.Weights(c).Select(w => (float)w).ToArray())).ToArray(),
                GeneralizedTaskArithmetic gta when first.Base is not null && candidates.All(c => Unsparsified(gta, c)) => candidates.Select(c => TaskArithmeticKernel(gta, c)).ToArray(),
                NearswapMethod when first.Base is not null && first.Models.Count == 1 => candidates.Select(c => NearswapKernel((float)MethodParameters.RequiredGlobal(c, "t"))).ToArray(),
                PassthroughMethod when first.Models.Count == 1 => candidates.Select(c => PassthroughKernel((float)c.Models[0].Get("scale", 1))).ToArray(),
                _ => null,
            };
            if (kernels is null)
            {
                return null;
            }

            // The plan the method's own pass runs on (della's chunks hold whole rows).
            var chunks = method is GeneralizedTaskArithmetic { Sparsifier: GtaSparsifier.DellaMagprune } ? ChunkPlan.Rows(first) : ChunkPlan.Flat(first);
            return new ElementwiseCandidates(method.BaseModel == BaseModelUse.NotUsed ? null : first.Base, first.Models.Select(m => m.Tensor).ToArray(), chunks, kernels);
        }
        catch (MergeMethodException)
        {
            // A candidate's parameters are wrong: merging it alone says so, naming the tensor.
            return null;
        }
    }

    /// <summary>
    /// Computes every candidate's chunks in element order; <paramref name="consume"/> gets the chunk's start and each
    /// candidate's values (its first <c>length</c> elements), valid only during the call.
    /// </summary>
    public void ForEachChunk(Action<long, int, IReadOnlyList<float[]>> consume, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consume);
        var size = Math.Max(1, (int)Math.Min(plan.ChunkSize, plan.Total));
        var inputs = sources.Select(_ => ArrayPool<float>.Shared.Rent(size)).ToArray();
        var baseValues = ArrayPool<float>.Shared.Rent(baseSource is null ? 1 : size);
        var outputs = kernels.Select(_ => ArrayPool<float>.Shared.Rent(size)).ToArray();
        var scratch = kernels.Select(_ => ArrayPool<float>.Shared.Rent(sources.Count * size)).ToArray();
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
                        sources[s].Read(start, inputs[s].AsSpan(0, length));
                    }
                    else
                    {
                        baseSource?.Read(start, baseValues.AsSpan(0, length));
                    }
                });
                Parallel.For(0, kernels.Length, k =>
                    kernels[k](inputs, baseSource is null ? [] : baseValues.AsSpan(0, length), length, scratch[k], outputs[k].AsSpan(0, length)));
                consume(start, length, outputs);
            }
        }
        finally
        {
            foreach (var buffer in inputs.Concat(outputs).Concat(scratch).Append(baseValues))
            {
                ArrayPool<float>.Shared.Return(buffer);
            }
        }
    }

    /// <summary><see cref="LinearCombination"/> without an origin: sum = Σ x_i·c_i, accumulated in model order.</summary>
    private static CandidateKernel LinearKernel(float[] coefficients) => (inputs, _, length, _, sum) =>
    {
        sum.Clear();
        for (var i = 0; i < inputs.Length; i++)
        {
            TensorPrimitives.MultiplyAdd(inputs[i].AsSpan(0, length), coefficients[i], sum, sum);
        }
    };

    /// <summary>
    /// <see cref="GeneralizedTaskArithmetic"/>'s final pass with no mask: d_i = (x_i - b)·w_i (when w_i ≠ 1); with sign
    /// consensus <see cref="ConsensusMix"/> adds the agreeing d_i to b, otherwise mix = ((d_0 + d_1) + d_2) ... and
    /// out = mix·(λ / divisor) + b.
    /// </summary>
    private static CandidateKernel TaskArithmeticKernel(GeneralizedTaskArithmetic gta, MergeTensorContext ctx)
    {
        var weights = ctx.Models.Select(m => MethodParameters.RequiredPerModel(ctx, m, "weight")).ToArray();
        var factors = weights.Select(w => (float)w).ToArray();
        var normalize = MethodParameters.Flag(ctx, "normalize", gta.DefaultNormalize);
        var lambda = MethodParameters.Global(ctx, "lambda", 1);
        var divisor = normalize && Math.Abs(weights.Sum()) >= 1e-8 ? weights.Sum() : 1;
        var scale = (float)(lambda / divisor);
        var consensus = gta.SignConsensus;
        return (inputs, baseValues, length, deltaBlock, output) =>
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                var d = deltaBlock.AsSpan(i * length, length);
                TensorPrimitives.Subtract(inputs[i].AsSpan(0, length), baseValues, d);
                if (factors[i] != 1)
                {
                    TensorPrimitives.Multiply(d, factors[i], d);
                }
            }

            // In place on a copy of the base, as the method's own pass runs it.
            baseValues.CopyTo(output);
            if (consensus)
            {
                ConsensusMix.AddTo(deltaBlock.AsSpan(0, inputs.Length * length), length, weights, normalize, (float)lambda, output);
                return;
            }

            var mix = deltaBlock.AsSpan(0, length);
            for (var i = 1; i < inputs.Length; i++)
            {
                TensorPrimitives.Add(mix, deltaBlock.AsSpan(i * length, length), mix);
            }

            TensorPrimitives.MultiplyAdd(mix, scale, output, output);
        };
    }

    /// <summary><see cref="NearswapMethod"/>: w = clamp(t / max(|b - x|, 1e-6), 0, 1), out = w x + (1 - w) b.</summary>
    private static CandidateKernel NearswapKernel(float t) => (inputs, b, length, _, output) =>
    {
        var x = inputs[0];
        for (var k = 0; k < length; k++)
        {
            var w = Math.Clamp(t / MathF.Max(MathF.Abs(b[k] - x[k]), 1e-6f), 0f, 1f);
            output[k] = w * x[k] + (1 - w) * b[k];
        }
    };

    /// <summary><see cref="PassthroughMethod"/>: the model's values, times its scale unless that is 1.</summary>
    private static CandidateKernel PassthroughKernel(float scale) => (inputs, _, length, _, output) =>
    {
        inputs[0].AsSpan(0, length).CopyTo(output);
        if (scale != 1)
        {
            for (var k = 0; k < length; k++)
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
