namespace FusionCluster.Core.Methods.Kernels;

/// <summary>Writes out = origin + Σ c_i (sources[i] - origin) (origin optional) chunk by chunk.</summary>
public static class LinearCombination
{
    public static void Write(ChunkPlan plan, IReadOnlyList<TensorSource> sources, IReadOnlyList<double> coefficients,
        TensorSource? origin, TensorSink output)
    {
        plan.ForEach((_, start, length) =>
        {
            using var acc = new RentedBuffer<double>(length);
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
                var c = coefficients[i];
                sources[i].Read(start, buf.Span);
                var x = buf.Span;
                if (origin is null)
                {
                    for (var k = 0; k < length; k++)
                    {
                        sum[k] += c * x[k];
                    }
                }
                else
                {
                    var b = baseBuf.Span;
                    for (var k = 0; k < length; k++)
                    {
                        sum[k] += c * (x[k] - b[k]);
                    }
                }
            }
            var result = buf.Span;
            for (var k = 0; k < length; k++)
            {
                result[k] = origin is null ? (float)sum[k] : (float)(baseBuf.Span[k] + sum[k]);
            }
            output.Write(start, result);
        });
    }
}
