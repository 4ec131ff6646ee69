using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// Model Stock: out = t·mean(x_i) + (1 - t)·base with t = N·cos / (1 + (N - 1)·cos), cos being the mean
/// pairwise cosine of the task vectors, over the whole tensor or per row (filter_wise).
/// </summary>
public sealed class ModelStockMethod : IMergeMethod
{
    public string Name => "model_stock";

    public BaseModelUse BaseModel => BaseModelUse.Required;

    public int MinModels => 2;

    public int MaxModels => int.MaxValue;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } = [ParameterDefinition.Global("filter_wise", 0)];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireBase(ctx, Name);
        var baseTensor = ctx.Base!;
        var sources = ctx.Models.Select(m => m.Tensor).ToArray();
        if (sources.Length == 0)
        {
            LinearCombination.Write(ChunkPlan.Flat(ctx), [], [], baseTensor, ctx.Output);
            return;
        }
        MethodParameters.RequireModelCount(ctx, Name, MinModels, MaxModels);
        var n = sources.Length;
        if (!MethodParameters.Flag(ctx, "filter_wise", false))
        {
            var plan = ChunkPlan.Flat(ctx);
            var t = Ratio(GramMatrix.Compute(plan, sources, baseTensor));
            LinearCombination.Write(plan, sources, Enumerable.Repeat(t / n, n).ToArray(), baseTensor, ctx.Output);
            return;
        }

        var rowLength = (int)Math.Max(1, ctx.RowLength);
        ChunkPlan.Rows(ctx).ForEach((_, start, length) =>
        {
            using var block = new RentedBuffer<float>(n * length);
            using var baseBuf = new RentedBuffer<float>(length);
            var all = block.Span;
            var b = baseBuf.Span;
            baseTensor.Read(start, b);
            for (var i = 0; i < n; i++)
            {
                var d = all.Slice(i * length, length);
                sources[i].Read(start, d);
                GramMatrix.Subtract(d, b);
            }
            var g = new double[n, n];
            for (var row = 0; row < length; row += rowLength)
            {
                for (var i = 0; i < n; i++)
                {
                    for (var j = i; j < n; j++)
                    {
                        g[i, j] = g[j, i] = GramMatrix.Dot(
                            all.Slice(i * length + row, rowLength), all.Slice(j * length + row, rowLength));
                    }
                }
                var f = Ratio(g) / n;
                for (var k = row; k < row + rowLength; k++)
                {
                    double sum = 0;
                    for (var i = 0; i < n; i++)
                    {
                        sum += all[i * length + k];
                    }
                    // all holds the deltas; overwrite the first model's slot with the result.
                    all[k] = (float)(b[k] + f * sum);
                }
            }
            ctx.Output.Write(start, all[..length]);
        });
    }

    /// <summary>The interpolation ratio t from the Gram matrix of the task vectors.</summary>
    internal static double Ratio(double[,] g)
    {
        var n = g.GetLength(0);
        double sum = 0;
        var pairs = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var denominator = Math.Max(Math.Sqrt(Math.Max(0, g[i, i])) * Math.Sqrt(Math.Max(0, g[j, j])), 1e-6);
                sum += Math.Clamp(g[i, j] / denominator, -1, 1);
                pairs++;
            }
        }
        var cos = sum / pairs;
        return n * cos / (1 + (n - 1) * cos);
    }
}
