namespace FusionCluster.Core.Methods.Kernels;

/// <summary>
/// DARE's keep decisions: element i of model m survives when the counter-based draw for (stream, i) is
/// below density. Every backend (the C# kernels, the torch backend on any device) draws through this
/// class, so one seed keeps the same elements everywhere.
/// </summary>
public static class RandomKeepMask
{
    /// <summary>The stream of the model at <paramref name="modelIndex"/> (spec order, base excluded) under one tensor seed.</summary>
    public static ulong StreamSeed(ulong tensorSeed, int modelIndex) => CounterRng.Stream(tensorSeed, modelIndex);

    public static bool Keeps(ulong stream, double density, long index) => CounterRng.Uniform(stream, index) < density;

    /// <summary>keep[k] = whether element start + k survives.</summary>
    public static void Fill(ulong stream, double density, long start, Span<bool> keep)
    {
        for (var k = 0; k < keep.Length; k++)
        {
            keep[k] = Keeps(stream, density, start + k);
        }
    }
}
