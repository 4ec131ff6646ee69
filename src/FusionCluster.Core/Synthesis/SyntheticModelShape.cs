namespace FusionCluster.Core.Synthesis;

/// <summary>The dimensions of a Llama-shaped synthetic checkpoint.</summary>
public sealed record SyntheticModelShape(int Hidden, int Intermediate, int Layers, int Vocab, int Heads)
{
    public long ParametersPerLayer => 4L * Hidden * Hidden + 3L * Hidden * Intermediate + 2L * Hidden;

    public long Parameters => Layers * ParametersPerLayer + 2L * Vocab * Hidden + Hidden;

    /// <summary>
    /// Picks a shape near the requested size. Width grows in tiers and depth fills the rest, so models
    /// of 1 GB and 4 GB share a width: their largest work unit is the same size, and so is a merge's memory.
    /// </summary>
    public static SyntheticModelShape ForSize(long bytes, int elementSize)
    {
        var parameters = bytes / elementSize;
        var (hidden, intermediate, vocab, heads) = parameters switch
        {
            < 4_000_000 => (64, 172, 512, 4),
            < 40_000_000 => (256, 688, 4096, 8),
            < 400_000_000 => (1024, 2816, 32000, 16),
            _ => (2048, 5632, 32000, 32),
        };
        var probe = new SyntheticModelShape(hidden, intermediate, 1, vocab, heads);
        var layers = (int)Math.Max(1, Math.Round((double)(parameters - 2L * vocab * hidden) / probe.ParametersPerLayer));
        return probe with { Layers = layers };
    }
}
