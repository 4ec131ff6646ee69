using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// RAM+ tensor-local (mergekit's <c>ramplus_tl</c>): RAM whose unique contributions of model i are scaled by
/// λ_i = 1 + r·clamp(ρ_i, 0, alpha), ρ_i being, within this tensor, the count of model i's shared elements over the
/// count of its unique ones (the latter floored at epsilon, as mergekit does, so a model with no unique element gets
/// the largest λ). It compensates the dilution that averaging the shared elements causes.
/// </summary>
public sealed class RamPlusTensorLocalMethod : IMergeMethod
{
    public string Name => "ramplus_tl";

    public BaseModelUse BaseModel => BaseModelUse.Required;

    public int MinModels => 1;

    public int MaxModels => int.MaxValue;

    public IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        ParameterDefinition.Global("r", 0.1),
        ParameterDefinition.Global("alpha", 0.2),
        ParameterDefinition.Global("epsilon", 1e-5),
    ];

    public void Merge(MergeTensorContext ctx)
    {
        MethodParameters.RequireBase(ctx, Name);
        var baseTensor = ctx.Base!;
        var r = MethodParameters.Global(ctx, "r", 0.1);
        var alpha = MethodParameters.Global(ctx, "alpha", 0.2);
        var epsilon = MethodParameters.Global(ctx, "epsilon", 1e-5);
        var n = ctx.Models.Count;
        // Per model: [shared count, unique count] over the whole tensor.
        var counts = ChunkPlan.Flat(ctx).Reduce(2 * n, (start, length, acc) =>
        {
            using var block = new RentedBuffer<float>(n * length);
            var deltas = block.Span;
            RamPartition.ReadDeltas(ctx.Models, baseTensor, start, length, deltas);
            for (var k = 0; k < length; k++)
            {
                var count = RamPartition.Contributors(deltas, n, length, k, epsilon);
                if (count == 0)
                {
                    continue;
                }
                for (var i = 0; i < n; i++)
                {
                    if (Math.Abs(deltas[i * length + k]) > epsilon)
                    {
                        acc[count == 1 ? 2 * i + 1 : 2 * i]++;
                    }
                }
            }
        });
        var lambda = new double[n];
        for (var i = 0; i < n; i++)
        {
            var rho = counts[2 * i] / Math.Max(counts[2 * i + 1], epsilon);
            // torch.clamp order (max of min, then min), so an alpha below 0 gives alpha rather than throwing.
            lambda[i] = 1 + r * Math.Min(Math.Max(rho, 0), alpha);
        }
        RamPartition.Merge(ctx, baseTensor, epsilon, lambda);
    }
}
