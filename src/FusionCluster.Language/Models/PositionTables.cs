using static TorchSharp.torch;

namespace FusionCluster.Language.Models;

/// <summary>
/// The rotary tables and sliding-window mask of each sequence length a part-by-part forward pass meets
/// (<see cref="LlamaForCausalLM.Positions"/>, the same values the whole model computes), built once per length and
/// kept until disposed. Runs on the CPU.
/// </summary>
internal sealed class PositionTables(LanguageModelConfig config) : IDisposable
{
    private readonly double[] inverseFrequencies = RotaryEmbedding.InverseFrequencies(config);
    private readonly Dictionary<long, (Tensor Cos, Tensor Sin, Tensor? Mask)> tables = [];

    /// <summary>The tables of a sequence of <paramref name="length"/> tokens, owned by this object.</summary>
    public (Tensor Cos, Tensor Sin, Tensor? Mask) Of(long length)
    {
        if (!tables.TryGetValue(length, out var found))
        {
            using var scope = NewDisposeScope();
            var (cos, sin, mask) = LlamaForCausalLM.Positions(config, inverseFrequencies, length, CPU);
            found = (cos.DetachFromDisposeScope(), sin.DetachFromDisposeScope(), mask?.DetachFromDisposeScope());
            tables[length] = found;
        }

        return found;
    }

    public void Dispose()
    {
        foreach (var (cos, sin, mask) in tables.Values)
        {
            cos.Dispose();
            sin.Dispose();
            mask?.Dispose();
        }

        tables.Clear();
    }
}
