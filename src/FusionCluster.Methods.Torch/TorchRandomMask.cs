using FusionCluster.Core.Methods.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Methods.Torch;

/// <summary>
/// DARE's keep-mask, drawn on the host with the C# kernels' counter-based generator and uploaded, so a seed
/// keeps the same elements on every device (torch's own generators differ between CPU and CUDA).
/// </summary>
internal static class TorchRandomMask
{
    private const int DrawBlock = 1 << 16;

    public static Tensor Draw(ulong stream, double density, long total, torch.Device device) =>
        TorchTransfer.UploadFlags(total, device, (start, keep, length) =>
        {
            // The draw for element i depends only on (stream, i), so blocks can be drawn in any order.
            var blocks = (length + DrawBlock - 1) / DrawBlock;
            Parallel.For(0, blocks, b =>
            {
                var from = b * DrawBlock;
                RandomKeepMask.Fill(stream, density, start + from, keep.AsSpan(from, Math.Min(DrawBlock, length - from)));
            });
        });
}
