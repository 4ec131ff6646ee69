using System.Numerics.Tensors;

namespace FusionCluster.Core.Methods.Kernels;

/// <summary>Inner products of whole tensors, accumulated chunk by chunk in double.</summary>
public static class GramMatrix
{
    /// <summary>
    /// G[i, j] = &lt;v_i, v_j&gt; with v_i = sources[i] - origin (or sources[i] when origin is null).
    /// Methods whose result lies in the span of their inputs (karcher, multislerp, slerp, model_stock)
    /// need nothing else from a full pass.
    /// </summary>
    public static double[,] Compute(ChunkPlan plan, IReadOnlyList<TensorSource> sources, TensorSource? origin)
    {
        var n = sources.Count;
        var flat = plan.Reduce(n * n, (start, length, acc) =>
        {
            using var block = new RentedBuffer<float>(n * length);
            using var baseBuf = new RentedBuffer<float>(origin is null ? 0 : length);
            var all = block.Span;
            if (origin is not null)
            {
                origin.Read(start, baseBuf.Span);
            }
            for (var i = 0; i < n; i++)
            {
                var v = all.Slice(i * length, length);
                sources[i].Read(start, v);
                if (origin is not null)
                {
                    Subtract(v, baseBuf.Span);
                }
            }
            for (var i = 0; i < n; i++)
            {
                var vi = all.Slice(i * length, length);
                for (var j = i; j < n; j++)
                {
                    acc[i * n + j] = Dot(vi, all.Slice(j * length, length));
                }
            }
        });
        var g = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = i; j < n; j++)
            {
                g[i, j] = flat[i * n + j];
                g[j, i] = flat[i * n + j];
            }
        }
        return g;
    }

    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (var k = 0; k < a.Length; k++)
        {
            sum += (double)a[k] * b[k];
        }
        return sum;
    }

    public static void Subtract(Span<float> values, ReadOnlySpan<float> origin)
    {
        TensorPrimitives.Subtract(values, origin, values);
    }
}
