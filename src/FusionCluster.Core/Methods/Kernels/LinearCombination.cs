using System.Numerics.Tensors;

namespace FusionCluster.Core.Methods.Kernels;

/// <summary>Writes out = origin + Σ c_i (sources[i] - origin) (origin optional) chunk by chunk.</summary>
public static class LinearCombination
{
    public static void Write(ChunkPlan plan, IReadOnlyList<TensorSource> sources, IReadOnlyList<double> coefficients,
        TensorSource? origin, TensorSink output)
    {
        plan.ForEach((_, start, length) =>
        {
            // float32 accumulation with fused multiply-add: vectorised, and as precise as mergekit's own
            // arithmetic (which runs in the checkpoint dtype).
            using var acc = new RentedBuffer<float>(length);
            using var buf = new RentedBuffer<float>(length);
            using var baseBuf = new RentedBuffer<float>(origin is null ? 0 : length);
            var sum = acc.Span;
            sum.Clear();
            if (origin is not null)
            {
                origin.Read(start, baseBuf.Span);
            }

            for (var i = 0; i < sources.Count; i++)
            {
                var x = buf.Span;
                sources[i].Read(start, x);
                if (origin is not null)
                {
                    TensorPrimitives.Subtract(x, baseBuf.Span, x);
                }

                TensorPrimitives.MultiplyAdd(x, (float)coefficients[i], sum, sum);
            }

            if (origin is not null)
            {
                TensorPrimitives.Add(sum, baseBuf.Span, sum);
            }

            output.Write(start, sum);
        });
    }
}
