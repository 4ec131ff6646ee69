using FusionCluster.Core.Methods.Kernels;

namespace FusionCluster.Core.Methods;

/// <summary>Decisions recorded chunk by chunk (<see cref="KeepBits"/>) by an earlier pass, applied again.</summary>
internal sealed class RecordedDeltaMask(ulong[][] chunks) : DeltaMask
{
    public override void Apply(int chunk, long start, Span<float> delta) => KeepBits.Apply(chunks[chunk], delta);
}
