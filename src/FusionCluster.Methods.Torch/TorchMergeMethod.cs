using FusionCluster.Core.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Methods.Torch;

/// <summary>
/// A merge method computed with TorchSharp on one torch device. Name, parameters and input rules are those
/// of its C# twin, so a spec validates identically whatever the device. A merge reads each whole input
/// tensor onto the device (a work unit holds one tensor at a time), computes in float32, and writes the
/// result back through the context's sink; every torch tensor is freed when the merge returns.
/// </summary>
public abstract class TorchMergeMethod(IMergeMethod cpuTwin, string device) : IMergeMethod
{
    /// <summary>
    /// Every unit slot of a silo may merge at once, and each merge holds whole tensors on the device; on a
    /// GPU that could exhaust its memory, so merges on CUDA take turns (host reads and writes of other
    /// units still overlap with them).
    /// </summary>
    private static readonly SemaphoreSlim CudaTurn = new(1, 1);

    public string Name => cpuTwin.Name;

    public BaseModelUse BaseModel => cpuTwin.BaseModel;

    public int MinModels => cpuTwin.MinModels;

    public int MaxModels => cpuTwin.MaxModels;

    public IReadOnlyList<ParameterDefinition> Parameters => cpuTwin.Parameters;

    /// <summary>cuda or torch-cpu.</summary>
    public string Device { get; } = device;

    public void Merge(MergeTensorContext ctx)
    {
        var onCuda = Device == MergeDevices.Cuda;
        if (onCuda)
        {
            CudaTurn.Wait();
        }

        try
        {
            using var scope = NewDisposeScope();
            var result = Compute(ctx, TorchDevices.For(Device));
            if (result.numel() != ctx.ElementCount)
            {
                throw new MergeMethodException($"tensor '{ctx.TensorName}': torch {Name} produced {result.numel()} of {ctx.ElementCount} elements");
            }

            TorchTransfer.Download(result, ctx.Output);
        }
        finally
        {
            if (onCuda)
            {
                CudaTurn.Release();
            }
        }
    }

    /// <summary>The merged tensor, flat (1-D float32) on <paramref name="device"/>; temporaries belong to the caller's dispose scope.</summary>
    protected abstract Tensor Compute(MergeTensorContext ctx, torch.Device device);

    protected static Tensor Upload(TensorSource source, torch.Device device) => TorchTransfer.Upload(source, device);
}
