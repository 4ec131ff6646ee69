using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>Copies the single input tensor, multiplied by its per-model scale.</summary>
public sealed class PassthroughMethod : IMergeMethod
{
    public string Name => "passthrough";

    public BaseModelUse BaseModel => BaseModelUse.NotUsed;

    public int MinModels => 1;

    public int MaxModels => 1;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } = [ParameterDefinition.PerModel("scale", 1)];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireModelCount(ctx, Name, MinModels, MaxModels);
        var model = ctx.Models[0];
        var scale = (float)model.Get("scale", 1);
        ChunkPlan.Flat(ctx).ForEach((_, start, length) =>
        {
            using var buf = new RentedBuffer<float>(length);
            var x = buf.Span;
            model.Tensor.Read(start, x);
            if (scale != 1)
            {
                for (var k = 0; k < length; k++)
                {
                    x[k] *= scale;
                }
            }
            ctx.Output.Write(start, x);
        });
    }
}
