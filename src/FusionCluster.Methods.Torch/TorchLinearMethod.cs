using FusionCluster.Core.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Methods.Torch;

/// <summary>linear on torch: out = Σ w_i x_i (/ Σ w_i when normalize), in the C# kernel's operation order.</summary>
public sealed class TorchLinearMethod(LinearMethod cpuTwin, string device) : TorchMergeMethod(cpuTwin, device)
{
    protected override Tensor Compute(MergeTensorContext ctx, torch.Device device) =>
        TorchCombination.Sum(ctx.Models.Select(m => m.Tensor).ToArray(), cpuTwin.Weights(ctx), device);
}
