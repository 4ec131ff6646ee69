using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// Slerp of two models (or of their task vectors when a base is given) with t = w₂ / (w₁ + w₂), over the
/// whole tensor (nuslerp_flatten), per row (last dimension), or per column (nuslerp_row_wise: vectors
/// along dimension 0).
/// </summary>
public sealed class NuSlerpMethod : IMergeMethod
{
    public string Name => "nuslerp";

    public BaseModelUse BaseModel => BaseModelUse.Optional;

    public int MinModels => 2;

    public int MaxModels => 2;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        ParameterDefinition.RequiredPerModel("weight"),
        ParameterDefinition.Global("nuslerp_flatten", 1),
        ParameterDefinition.Global("nuslerp_row_wise", 0),
    ];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireModelCount(ctx, Name, MinModels, MaxModels);
        var w0 = MethodParameters.RequiredPerModel(ctx, ctx.Models[0], "weight");
        var w1 = MethodParameters.RequiredPerModel(ctx, ctx.Models[1], "weight");
        var t = Math.Abs(w0 + w1) < 1e-6 ? 0.5 : w1 / (w0 + w1);
        TensorSource[] sources = [ctx.Models[0].Tensor, ctx.Models[1].Tensor];
        var origin = ctx.Base;

        if (MethodParameters.Flag(ctx, "nuslerp_flatten", true))
        {
            var plan = ChunkPlan.Flat(ctx);
            var g = GramMatrix.Compute(plan, sources, origin);
            var (c0, c1) = Coefficients(t, g[0, 0], g[1, 1], g[0, 1]);
            LinearCombination.Write(plan, sources, [c0, c1], origin, ctx.Output);
        }
        else if (MethodParameters.Flag(ctx, "nuslerp_row_wise", false))
        {
            MergeColumns(ctx, sources, origin, t);
        }
        else
        {
            MergeRows(ctx, sources, origin, t);
        }
    }

    /// <summary>Weights of v0 and v1 from their squared norms and dot product.</summary>
    internal static (double C0, double C1) Coefficients(double t, double n00, double n11, double n01)
    {
        var cos = n01 / Math.Max(Math.Sqrt(n00), 1e-7) / Math.Max(Math.Sqrt(n11), 1e-7);
        var theta = Math.Acos(Math.Clamp(cos, -1, 1));
        var sin = Math.Sin(theta);
        if (Math.Abs(sin) < 1e-8)
        {
            return (1 - t, t);
        }
        return (Math.Sin((1 - t) * theta) / sin, Math.Sin(t * theta) / sin);
    }

    /// <summary>Per-row slerp: rows are whole within a chunk, so one pass suffices.</summary>
    private static void MergeRows(MergeTensorContext ctx, TensorSource[] sources, TensorSource? origin, double t)
    {
        var rowLength = (int)Math.Max(1, ctx.RowLength);
        ChunkPlan.Rows(ctx).ForEach((_, start, length) =>
        {
            using var b0 = new RentedBuffer<float>(length);
            using var b1 = new RentedBuffer<float>(length);
            using var bb = new RentedBuffer<float>(origin is null ? 0 : length);
            var v0 = b0.Span;
            var v1 = b1.Span;
            ReadVectors(sources, origin, start, v0, v1, bb.Span);
            for (var row = 0; row < length; row += rowLength)
            {
                var r0 = v0.Slice(row, rowLength);
                var r1 = v1.Slice(row, rowLength);
                var (c0, c1) = Coefficients(t, GramMatrix.Dot(r0, r0), GramMatrix.Dot(r1, r1), GramMatrix.Dot(r0, r1));
                for (var k = 0; k < rowLength; k++)
                {
                    var v = c0 * r0[k] + c1 * r1[k];
                    r0[k] = (float)(origin is null ? v : bb.Span[row + k] + v);
                }
            }
            ctx.Output.Write(start, v0);
        });
    }

    /// <summary>
    /// Vectors along dimension 0: element i belongs to vector i mod (numel / shape[0]). Per-vector statistics
    /// (3 doubles each) are gathered in one pass and applied in a second.
    /// </summary>
    private static void MergeColumns(MergeTensorContext ctx, TensorSource[] sources, TensorSource? origin, double t)
    {
        var leading = ctx.Shape.Count == 0 ? 1 : Math.Max(1, ctx.Shape[0]);
        var vectors = (int)(ctx.ElementCount / leading);
        var plan = ChunkPlan.Flat(ctx);
        var stats = plan.Reduce(3 * vectors, (start, length, acc) =>
        {
            using var b0 = new RentedBuffer<float>(length);
            using var b1 = new RentedBuffer<float>(length);
            using var bb = new RentedBuffer<float>(origin is null ? 0 : length);
            ReadVectors(sources, origin, start, b0.Span, b1.Span, bb.Span);
            for (var k = 0; k < length; k++)
            {
                var v = (int)((start + k) % vectors);
                double x0 = b0.Span[k], x1 = b1.Span[k];
                acc[3 * v] += x0 * x0;
                acc[3 * v + 1] += x1 * x1;
                acc[3 * v + 2] += x0 * x1;
            }
        });
        var c0 = new double[vectors];
        var c1 = new double[vectors];
        for (var v = 0; v < vectors; v++)
        {
            (c0[v], c1[v]) = Coefficients(t, stats[3 * v], stats[3 * v + 1], stats[3 * v + 2]);
        }
        plan.ForEach((_, start, length) =>
        {
            using var b0 = new RentedBuffer<float>(length);
            using var b1 = new RentedBuffer<float>(length);
            using var bb = new RentedBuffer<float>(origin is null ? 0 : length);
            var v0 = b0.Span;
            ReadVectors(sources, origin, start, v0, b1.Span, bb.Span);
            for (var k = 0; k < length; k++)
            {
                var v = (int)((start + k) % vectors);
                var r = c0[v] * v0[k] + c1[v] * b1.Span[k];
                v0[k] = (float)(origin is null ? r : bb.Span[k] + r);
            }
            ctx.Output.Write(start, v0);
        });
    }

    private static void ReadVectors(TensorSource[] sources, TensorSource? origin, long start, Span<float> v0,
        Span<float> v1, Span<float> baseValues)
    {
        sources[0].Read(start, v0);
        sources[1].Read(start, v1);
        if (origin is not null)
        {
            origin.Read(start, baseValues);
            GramMatrix.Subtract(v0, baseValues);
            GramMatrix.Subtract(v1, baseValues);
        }
    }
}
