namespace FusionCluster.Core.Methods;

/// <summary>
/// RAM's classification of each element (Reinforced Agent Merging, arXiv 2601.13572, as mergekit implements it):
/// a model touches an element when |x_i - base| &gt; epsilon; an element touched by no model keeps the base, by
/// exactly one model is unique to it, by several is shared.
/// </summary>
internal static class RamPartition
{
    /// <summary>Reads every model's task vector for one chunk into <paramref name="deltas"/> (model i at [i·length, (i+1)·length)).</summary>
    public static void ReadDeltas(IReadOnlyList<ModelTensor> models, TensorSource baseTensor, long start, int length, Span<float> deltas)
    {
        for (var i = 0; i < models.Count; i++)
        {
            TaskVectors.Read(models[i].Tensor, baseTensor, start, deltas.Slice(i * length, length));
        }
    }

    /// <summary>How many models touch element k of the chunk.</summary>
    public static int Contributors(ReadOnlySpan<float> deltas, int models, int length, int k, double epsilon)
    {
        var count = 0;
        for (var i = 0; i < models; i++)
        {
            if (Math.Abs(deltas[i * length + k]) > epsilon)
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>
    /// Writes base + Σ_i (unique ? λ_i·δ_i : δ_i / count) over the models that touch each element; λ_i = 1 is plain RAM.
    /// </summary>
    public static void Merge(MergeTensorContext ctx, TensorSource baseTensor, double epsilon, double[] uniqueScale)
    {
        var n = ctx.Models.Count;
        Kernels.ChunkPlan.Flat(ctx).ForEach((_, start, length) =>
        {
            using var block = new Kernels.RentedBuffer<float>(n * length);
            using var outBuf = new Kernels.RentedBuffer<float>(length);
            var deltas = block.Span;
            var o = outBuf.Span;
            ReadDeltas(ctx.Models, baseTensor, start, length, deltas);
            baseTensor.Read(start, o);
            for (var k = 0; k < length; k++)
            {
                var count = Contributors(deltas, n, length, k, epsilon);
                if (count == 0)
                {
                    continue;
                }
                double sum = 0;
                for (var i = 0; i < n; i++)
                {
                    var d = deltas[i * length + k];
                    if (Math.Abs(d) > epsilon)
                    {
                        sum += count == 1 ? uniqueScale[i] * d : (double)d / count;
                    }
                }
                o[k] = (float)(o[k] + sum);
            }
            ctx.Output.Write(start, o);
        });
    }
}
