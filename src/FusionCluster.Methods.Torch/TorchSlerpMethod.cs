using FusionCluster.Core.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Methods.Torch;

/// <summary>
/// slerp on torch: the whole tensor is one vector; the three inner products are summed in double and fed
/// to the C# method's own coefficient formula (lerp when |cos| &gt; 0.9995), then out = s0·base + s1·x.
/// </summary>
public sealed class TorchSlerpMethod(SlerpMethod cpuTwin, string device) : TorchMergeMethod(cpuTwin, device)
{
    protected override Tensor Compute(MergeTensorContext ctx, torch.Device device)
    {
        MethodParameters.RequireBase(ctx, Name);
        MethodParameters.RequireModelCount(ctx, Name, MinModels, MaxModels);
        var t = MethodParameters.RequiredGlobal(ctx, "t");
        var a = Upload(ctx.Base!, device);
        var c = Upload(ctx.Models[0].Tensor, device);
        var (s0, s1) = SlerpMethod.Coefficients(t, TorchReductions.Dot(a, a), TorchReductions.Dot(c, c), TorchReductions.Dot(a, c));
        using var first = a.mul((float)s0);
        using var second = c.mul((float)s1);
        return first.add(second);
    }
}
