namespace FusionCluster.Evaluation.Training;

/// <summary>
/// A first-order optimizer over a fixed list of parameters: FusionCluster's training loops use these instead of
/// TorchSharp's <c>optim.*</c>. TorchSharp 0.107's optimizers hand libtorch temporary <see cref="TorchSharp.Scalar"/>s
/// (objects with finalizers) without keeping them alive through the native call, so a garbage collection started by
/// another thread mid-step can free a Scalar libtorch is still reading. Under parallel tests that gave infinite
/// losses and "value cannot be converted to type float without overflow"; every Scalar here lives until its step ends.
/// </summary>
public interface IParameterOptimizer : IDisposable
{
    /// <summary>Zeroes the gradient of every parameter that has one (in place, as TorchSharp's optimizers do).</summary>
    void ZeroGrad();

    /// <summary>Takes one step from the current gradients; parameters without a gradient are left alone.</summary>
    void Step();
}
