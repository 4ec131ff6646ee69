using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// SCE (select, calculate, erase): optionally keep only the select_topk fraction of positions where the task
/// vectors vary most, weight each model by its mean squared (selected) task vector, and average the deltas
/// that agree with the element's majority sign (unweighted vote, ties → +).
/// </summary>
public sealed class SceMethod : IMergeMethod
{
    public string Name => "sce";

    public BaseModelUse BaseModel => BaseModelUse.Required;

    public int MinModels => 1;

    public int MaxModels => int.MaxValue;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        ParameterDefinition.Global("int8_mask", 0),
        ParameterDefinition.Global("select_topk", 1),
    ];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireBase(ctx, Name);
        var baseTensor = ctx.Base!;
        var sources = ctx.Models.Select(m => m.Tensor).ToArray();
        var n = sources.Length;
        var plan = ChunkPlan.Flat(ctx);
        var topk = MethodParameters.Global(ctx, "select_topk", 1);
        if (n == 0 || topk <= 0)
        {
            // Every task vector is masked out, so the result is the base.
            LinearCombination.Write(plan, [], [], baseTensor, ctx.Output);
            return;
        }

        TopKSelection? selection = null;
        if (topk < 1)
        {
            var nonzero = plan.Reduce(1, (start, length, acc) =>
            {
                using var keys = new RentedBuffer<uint>(length);
                VarianceKeys(sources, baseTensor, start, keys.Span);
                acc[0] += length - keys.Span.Count(0u);
            })[0];
            var k = (long)(nonzero * topk);
            selection = TopKSelection.Select(plan, k, (start, keys) => VarianceKeys(sources, baseTensor, start, keys));
        }

        var squares = plan.Reduce(n, (start, length, acc) =>
        {
            using var block = new RentedBuffer<float>(n * length);
            ReadSelected(plan, sources, baseTensor, selection, start, length, block.Span);
            for (var i = 0; i < n; i++)
            {
                acc[i] += GramMatrix.Dot(block.Span.Slice(i * length, length), block.Span.Slice(i * length, length));
            }
        });
        var weights = squares.Select(s => s / plan.Total).ToArray();
        var weightSum = weights.Sum();
        for (var i = 0; i < n; i++)
        {
            weights[i] = Math.Abs(weightSum) < 1e-6 ? 1.0 / n : weights[i] / weightSum;
        }

        plan.ForEach((_, start, length) =>
        {
            using var block = new RentedBuffer<float>(n * length);
            using var outBuf = new RentedBuffer<float>(length);
            var all = block.Span;
            ReadSelected(plan, sources, baseTensor, selection, start, length, all);
            var o = outBuf.Span;
            baseTensor.Read(start, o);
            for (var k = 0; k < length; k++)
            {
                double vote = 0;
                for (var i = 0; i < n; i++)
                {
                    vote += all[i * length + k];
                }
                var positive = vote >= 0;
                double mix = 0, div = 0;
                for (var i = 0; i < n; i++)
                {
                    // Zero and NaN agree with neither sign, as torch's sign comparison has it (Math.Sign would throw on NaN).
                    var v = all[i * length + k];
                    if (positive ? v > 0 : v < 0)
                    {
                        mix += weights[i] * v;
                        div += weights[i];
                    }
                }
                o[k] = (float)(o[k] + mix / Math.Max(div, 1e-6));
            }
            ctx.Output.Write(start, o);
        });
    }

    /// <summary>Task vectors of all models for one chunk (model i at [i·length, (i+1)·length)), masked by the selection.</summary>
    private static void ReadSelected(ChunkPlan plan, TensorSource[] sources, TensorSource baseTensor,
        TopKSelection? selection, long start, int length, Span<float> all)
    {
        for (var i = 0; i < sources.Length; i++)
        {
            TaskVectors.Read(sources[i], baseTensor, start, all.Slice(i * length, length));
        }
        if (selection is null)
        {
            return;
        }
        using var keys = new RentedBuffer<uint>(length);
        using var keep = new RentedBuffer<byte>(length);
        VarianceKeys(all, sources.Length, length, keys.Span);
        selection.Mark(plan.ChunkIndexOf(start), keys.Span, keep.Span);
        for (var k = 0; k < length; k++)
        {
            if (keep.Span[k] == 0)
            {
                for (var i = 0; i < sources.Length; i++)
                {
                    all[i * length + k] = 0;
                }
            }
        }
    }

    private static void VarianceKeys(TensorSource[] sources, TensorSource baseTensor, long start, Span<uint> keys)
    {
        var length = keys.Length;
        using var block = new RentedBuffer<float>(sources.Length * length);
        for (var i = 0; i < sources.Length; i++)
        {
            TaskVectors.Read(sources[i], baseTensor, start, block.Span.Slice(i * length, length));
        }
        VarianceKeys(block.Span, sources.Length, length, keys);
    }

    /// <summary>Population variance across models per element, as sort keys.</summary>
    private static void VarianceKeys(ReadOnlySpan<float> all, int n, int length, Span<uint> keys)
    {
        for (var k = 0; k < length; k++)
        {
            double mean = 0;
            for (var i = 0; i < n; i++)
            {
                mean += all[i * length + k];
            }
            mean /= n;
            double variance = 0;
            for (var i = 0; i < n; i++)
            {
                var d = all[i * length + k] - mean;
                variance += d * d;
            }
            keys[k] = SortKeys.Abs((float)(variance / n));
        }
    }
}
