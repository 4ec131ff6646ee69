using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>
/// A sparsification whose decisions for a chunk can be written out as <see cref="KeepBits"/>, so a method
/// that needs them twice (rescaling measures the kept L1 norm, the final pass applies them) draws them once.
/// </summary>
internal abstract class RecordableDeltaMask : DeltaMask
{
    /// <summary>Sets bit k of keep (cleared by the caller) when element start + k of chunk survives.</summary>
    public abstract void Decide(int chunk, long start, ReadOnlySpan<float> delta, Span<ulong> keep);
}
