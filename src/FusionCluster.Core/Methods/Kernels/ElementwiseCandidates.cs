using System.Buffers;
using System.Numerics.Tensors;

namespace FusionCluster.Core.Methods.Kernels;

/// <summary>
/// Several candidates' outputs of one tensor, computed chunk by chunk from inputs decoded once for all of them, for
/// methods whose output element depends only on the same element of the inputs (linear, task_arithmetic) and candidates
/// that read the same tensors and differ only in parameters. Each candidate's element goes through exactly the float
/// operations, in the same order, as in the method's own kernel (<see cref="LinearCombination"/>,
/// <see cref="GeneralizedTaskArithmetic"/>'s final pass without sparsification or sign consensus), so each output equals
/// merging that candidate alone, bit for bit, however a caller cuts a chunk into blocks (each element depends on its
/// inputs alone); nothing holds a whole output. One <see cref="ForEachChunk"/> at a time per instance.
/// </summary>
public sealed class ElementwiseCandidates
{
    private readonly TensorSource? baseSource;
    private readonly IReadOnlyList<TensorSource> sources;
    private readonly ChunkPlan plan;

    /// <summary>Per candidate, the factor each model's value (or task delta) is multiplied by.</summary>
    private readonly float[][] factors;

    /// <summary>Per candidate, task arithmetic's λ / divisor; unused for linear.</summary>
    private readonly float[] scales;

    /// <summary>The current chunk's decoded inputs (with a base, their deltas from it) and base, while <see cref="ForEachChunk"/> runs.</summary>
    private float[][] inputs = [];
    private float[] baseValues = [];
    private int chunkLength;

    private ElementwiseCandidates(TensorSource? baseSource, IReadOnlyList<TensorSource> sources, ChunkPlan plan, float[][] factors, float[] scales)
    {
        this.baseSource = baseSource;
        this.sources = sources;
        this.plan = plan;
        this.factors = factors;
        this.scales = scales;
    }

    public int Candidates => factors.Length;

    public long ElementCount => plan.Total;

    /// <summary>
    /// The fast path for these candidates of <paramref name="method"/>, or null when it does not apply (another method,
    /// sparsification, sign consensus, no model, or candidates that do not read the same tensors by the same plan): the
    /// caller then merges each candidate alone, which also reports any error in its parameters.
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
            switch (method)
            {
                case LinearMethod linear:
                    return new ElementwiseCandidates(null, first.Models.Select(m => m.Tensor).ToArray(), ChunkPlan.Flat(first),
                        candidates.Select(c => linear.Weights(c).Select(w => (float)w).ToArray()).ToArray(), new float[candidates.Count]);
                case GeneralizedTaskArithmetic { Sparsifier: GtaSparsifier.None, SignConsensus: false } gta when first.Base is not null:
                    return new ElementwiseCandidates(first.Base, first.Models.Select(m => m.Tensor).ToArray(), ChunkPlan.Flat(first),
                        candidates.Select(c => c.Models.Select(m => (float)MethodParameters.RequiredPerModel(c, m, "weight")).ToArray()).ToArray(),
                        candidates.Select(c => TaskArithmeticScale(gta, c)).ToArray());
                default:
                    return null;
            }
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
        inputs = sources.Select(_ => ArrayPool<float>.Shared.Rent(size)).ToArray();
        baseValues = ArrayPool<float>.Shared.Rent(baseSource is null ? 1 : size);
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
                if (baseSource is not null)
                {
                    // In place: task arithmetic reads the inputs only through their deltas.
                    foreach (var input in inputs)
                    {
                        TensorPrimitives.Subtract(input.AsSpan(0, length), baseValues.AsSpan(0, length), input.AsSpan(0, length));
                    }
                }

                chunkLength = length;
                consume(start, length);
            }
        }
        finally
        {
            foreach (var buffer in inputs.Append(baseValues))
            {
                ArrayPool<float>.Shared.Return(buffer);
            }

            (inputs, baseValues, chunkLength) = ([], [], 0);
        }
    }

    /// <summary>
    /// Candidate <paramref name="candidate"/>'s values at elements [offset, offset + output.Length) of the chunk
    /// <see cref="ForEachChunk"/> is consuming, through exactly its method's float operations on each element; calls with
    /// different outputs may run at once.
    /// </summary>
    /// <param name="scratch">At least <c>output.Length</c> floats of the caller's, overwritten.</param>
    public void Compute(int candidate, int offset, Span<float> output, Span<float> scratch)
    {
        if (offset < 0 || offset + output.Length > chunkLength || scratch.Length < output.Length)
        {
            throw new ArgumentException($"elements [{offset}, {offset + output.Length}) of a chunk of {chunkLength} (scratch of {scratch.Length})");
        }

        if (baseSource is null)
        {
            Linear(inputs, factors[candidate], offset, output);
        }
        else
        {
            TaskArithmetic(inputs, baseValues.AsSpan(offset, output.Length), factors[candidate], scales[candidate], offset, output, scratch[..output.Length]);
        }
    }

    /// <summary><see cref="LinearCombination"/> without an origin: sum = Σ x_i·c_i, accumulated in model order.</summary>
    private static void Linear(float[][] inputs, float[] coefficients, int offset, Span<float> sum)
    {
        sum.Clear();
        for (var i = 0; i < inputs.Length; i++)
        {
            TensorPrimitives.MultiplyAdd(inputs[i].AsSpan(offset, sum.Length), coefficients[i], sum, sum);
        }
    }

    /// <summary>
    /// <see cref="GeneralizedTaskArithmetic"/>'s final pass with no mask, from the deltas x_i - b: d_i = (x_i - b)·w_i (when
    /// w_i ≠ 1), mix = ((d_0 + d_1) + d_2) ..., out = mix·(λ / divisor) + b.
    /// </summary>
    private static void TaskArithmetic(float[][] deltas, ReadOnlySpan<float> baseValues, float[] weights, float scale, int offset, Span<float> output, Span<float> scratch)
    {
        var mix = output;
        var first = deltas[0].AsSpan(offset, output.Length);
        if (weights[0] != 1)
        {
            TensorPrimitives.Multiply(first, weights[0], mix);
        }
        else
        {
            first.CopyTo(mix);
        }

        for (var i = 1; i < deltas.Length; i++)
        {
            ReadOnlySpan<float> d = deltas[i].AsSpan(offset, output.Length);
            if (weights[i] != 1)
            {
                TensorPrimitives.Multiply(d, weights[i], scratch);
                d = scratch;
            }

            TensorPrimitives.Add(mix, d, mix);
        }

        // In place, as the method's own pass runs it on a copy of the base: out = mix·scale + b.
        TensorPrimitives.MultiplyAdd(mix, scale, baseValues, output);
    }

    /// <summary>λ / divisor as <see cref="GeneralizedTaskArithmetic"/> computes it (scales are 1 without masks).</summary>
    private static float TaskArithmeticScale(GeneralizedTaskArithmetic gta, MergeTensorContext ctx)
    {
        var normalize = MethodParameters.Flag(ctx, "normalize", gta.DefaultNormalize);
        var lambda = MethodParameters.Global(ctx, "lambda", 1);
        var weightSum = ctx.Models.Select(m => MethodParameters.RequiredPerModel(ctx, m, "weight")).ToArray().Sum();
        var divisor = normalize && Math.Abs(weightSum) >= 1e-8 ? weightSum : 1;
        return (float)(lambda / divisor);
    }

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
