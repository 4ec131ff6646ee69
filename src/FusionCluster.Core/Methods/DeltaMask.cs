namespace FusionCluster.Core.Methods;

/// <summary>One model's sparsification, resolved by pre-passes so the final pass can apply it chunk by chunk.</summary>
internal abstract class DeltaMask
{
    /// <summary>Zeroes the dropped elements of delta, which holds elements [start, start + delta.Length) of chunk.</summary>
    public abstract void Apply(int chunk, long start, Span<float> delta);
}
