using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// Interpolates towards the other model only where the two are close:
/// w = clamp(t / max(|b - x|, 1e-6), 0, 1), out = w x + (1 - w) b.
/// </summary>
public sealed class NearswapMethod : IMergeMethod
{
    public string Name => "nearswap";

    public BaseModelUse BaseModel => BaseModelUse.Required;

    public int MinModels => 1;

    public int MaxModels => 1;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } = [ParameterDefinition.RequiredGlobal("t")];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireBase(ctx, Name);
        MethodParameters.RequireModelCount(ctx, Name, MinModels, MaxModels);
        var t = (float)MethodParameters.RequiredGlobal(ctx, "t");
        var baseTensor = ctx.Base!;
        var other = ctx.Models[0].Tensor;
        ChunkPlan.Flat(ctx).ForEach((_, start, length) =>
        {
            using var bBuf = new RentedBuffer<float>(length);
            using var xBuf = new RentedBuffer<float>(length);
            var b = bBuf.Span;
            var x = xBuf.Span;
            baseTensor.Read(start, b);
            other.Read(start, x);
            for (var k = 0; k < length; k++)
            {
                var w = Math.Clamp(t / MathF.Max(MathF.Abs(b[k] - x[k]), 1e-6f), 0f, 1f);
                x[k] = w * x[k] + (1 - w) * b[k];
            }
            ctx.Output.Write(start, x);
        });
    }
}
