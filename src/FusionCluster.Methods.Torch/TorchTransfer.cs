using FusionCluster.Core.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Methods.Torch;

/// <summary>Moves whole tensors between the engine's chunked sources/sinks and a torch device.</summary>
internal static class TorchTransfer
{
    /// <summary>Elements staged on the host per copy: large enough for full-speed host-to-device copies, small enough to stay cheap.</summary>
    internal const int StagingElements = 1 << 22;

    /// <summary>A 1-D float32 tensor on <paramref name="device"/> holding every element of <paramref name="source"/>.</summary>
    public static Tensor Upload(TensorSource source, Device device)
    {
        var total = source.ElementCount;
        var result = empty(total, ScalarType.Float32, device);
        var staging = new float[(int)Math.Min(total, StagingElements)];
        for (long start = 0; start < total; start += staging.Length)
        {
            var length = (int)Math.Min(staging.Length, total - start);
            source.Read(start, staging.AsSpan(0, length));
            // copy_ returns once the host buffer has been consumed, so staging can be refilled right after.
            using var host = tensor(staging, ScalarType.Float32);
            using var hostPart = host.narrow(0, 0, length);
            using var target = result.narrow(0, start, length);
            target.copy_(hostPart);
        }

        return result;
    }

    /// <summary>
    /// A 1-D bool tensor on <paramref name="device"/> of <paramref name="total"/> flags, filled on the host a
    /// chunk at a time: fill(start, buffer, length) sets buffer[0..length) to the flags of elements start...
    /// </summary>
    public static Tensor UploadFlags(long total, Device device, Action<long, bool[], int> fill)
    {
        var result = empty(total, ScalarType.Bool, device);
        var staging = new bool[(int)Math.Min(total, StagingElements)];
        for (long start = 0; start < total; start += staging.Length)
        {
            var length = (int)Math.Min(staging.Length, total - start);
            fill(start, staging, length);
            using var host = tensor(staging, ScalarType.Bool);
            using var hostPart = host.narrow(0, 0, length);
            using var target = result.narrow(0, start, length);
            target.copy_(hostPart);
        }

        return result;
    }

    /// <summary>Writes every element of the 1-D float32 tensor <paramref name="values"/> (on any device) to <paramref name="sink"/>.</summary>
    public static void Download(Tensor values, TensorSink sink)
    {
        var total = values.numel();
        for (long start = 0; start < total; start += StagingElements)
        {
            var length = Math.Min(StagingElements, total - start);
            using var part = values.narrow(0, start, length);
            using var host = part.cpu();
            using var contiguous = host.contiguous();
            using var accessor = contiguous.data<float>();
            sink.Write(start, accessor.ToArray());
        }
    }
}
