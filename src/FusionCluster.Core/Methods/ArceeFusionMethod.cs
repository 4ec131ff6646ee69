using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// Arcee Fusion: importance = |x - base| × (per-row KL divergence of softmax(x) from softmax(base)); take the
/// other model's value where importance reaches median + 1.5·IQR, else keep the base.
/// Deviation from mergekit: quantiles are exact over all elements (radix selection), not taken from a
/// random subsample of 10⁶ elements, so the result is deterministic.
/// </summary>
public sealed class ArceeFusionMethod : IMergeMethod
{
    public string Name => "arcee_fusion";

    public BaseModelUse BaseModel => BaseModelUse.Required;

    public int MinModels => 1;

    public int MaxModels => 1;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } = [];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireBase(ctx, Name);
        MethodParameters.RequireModelCount(ctx, Name, MinModels, MaxModels);
        var a = ctx.Base!;
        var x = ctx.Models[0].Tensor;
        var rowLength = (int)Math.Max(1, ctx.RowLength);
        var plan = ChunkPlan.Rows(ctx);
        var total = plan.Total;

        KeyFiller fill = (start, keys) =>
        {
            using var imp = new RentedBuffer<float>(keys.Length);
            using var xa = new RentedBuffer<float>(keys.Length);
            using var aa = new RentedBuffer<float>(keys.Length);
            Importance(x, a, rowLength, start, xa.Span, aa.Span, imp.Span);
            for (var k = 0; k < keys.Length; k++)
            {
                keys[k] = SortKeys.Ordered(imp.Span[k]);
            }
        };
        // Q(q) = sorted[floor(q·(n - 1))], which is the (n - index)-th largest.
        float Quantile(double q) => SortKeys.FromOrdered(
            TopKSelection.Select(plan, total - (long)Math.Floor(q * (total - 1)), fill, countTies: false).Threshold);
        var q1 = Quantile(0.25);
        var median = Quantile(0.5);
        var q3 = Quantile(0.75);
        var threshold = median + 1.5f * (q3 - q1);

        plan.ForEach((_, start, length) =>
        {
            using var imp = new RentedBuffer<float>(length);
            using var xb = new RentedBuffer<float>(length);
            using var ab = new RentedBuffer<float>(length);
            Importance(x, a, rowLength, start, xb.Span, ab.Span, imp.Span);
            var o = ab.Span;
            for (var k = 0; k < length; k++)
            {
                if (imp.Span[k] >= threshold)
                {
                    o[k] = xb.Span[k];
                }
            }
            ctx.Output.Write(start, o);
        });
    }

    /// <summary>Reads whole rows of x and a and computes each element's importance.</summary>
    private static void Importance(TensorSource x, TensorSource a, int rowLength, long start, Span<float> xs,
        Span<float> bs, Span<float> importance)
    {
        x.Read(start, xs);
        a.Read(start, bs);
        for (var row = 0; row < xs.Length; row += rowLength)
        {
            var xr = xs.Slice(row, rowLength);
            var ar = bs.Slice(row, rowLength);
            var (xMax, xSum) = SoftmaxStats(xr);
            var (aMax, aSum) = SoftmaxStats(ar);
            double kl = 0;
            for (var k = 0; k < rowLength; k++)
            {
                var p = Math.Exp(xr[k] - xMax) / xSum + 1e-8;
                var q = Math.Exp(ar[k] - aMax) / aSum + 1e-8;
                kl += p * Math.Log(p / q);
            }
            for (var k = 0; k < rowLength; k++)
            {
                importance[row + k] = (float)(Math.Abs(xr[k] - ar[k]) * kl);
            }
        }
    }

    private static (double Max, double Sum) SoftmaxStats(ReadOnlySpan<float> row)
    {
        double max = double.NegativeInfinity;
        foreach (var v in row)
        {
            max = Math.Max(max, v);
        }
        double sum = 0;
        foreach (var v in row)
        {
            sum += Math.Exp(v - max);
        }
        return (max, sum);
    }
}
