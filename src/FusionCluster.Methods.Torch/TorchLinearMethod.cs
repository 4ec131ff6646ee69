using FusionCluster.Core.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Methods.Torch;

/// <summary>linear on torch: out = Σ w_i x_i (/ Σ w_i when normalize), in the C# kernel's operation order.</summary>
public sealed class TorchLinearMethod(LinearMethod cpuTwin, string device) : TorchMergeMethod(cpuTwin, device)
{
    protected override Tensor Compute(MergeTensorContext ctx, torch.Device device)
    {
        MethodParameters.RequireModelCount(ctx, Name, MinModels, MaxModels);
        var weights = ctx.Models.Select(m => MethodParameters.RequiredPerModel(ctx, m, "weight")).ToArray();
        if (MethodParameters.Flag(ctx, "normalize", true))
        {
            var total = weights.Sum();
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] /= total;
            }
        }

        return TorchCombination.Sum(ctx.Models.Select(m => m.Tensor).ToArray(), weights, device);
    }
}
