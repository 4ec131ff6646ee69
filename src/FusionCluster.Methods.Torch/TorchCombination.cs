using FusionCluster.Core.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Methods.Torch;

/// <summary>Σ c_i x_i in float32, added in input order like the C# LinearCombination kernel.</summary>
internal static class TorchCombination
{
    public static Tensor Sum(IReadOnlyList<TensorSource> sources, IReadOnlyList<double> coefficients, torch.Device device)
    {
        Tensor? sum = null;
        for (var i = 0; i < sources.Count; i++)
        {
            using var scope = NewDisposeScope();
            var x = TorchTransfer.Upload(sources[i], device);
            // The coefficient is rounded to float32 first, as the C# kernel does, so both multiply the same numbers.
            var term = x.mul((float)coefficients[i]);
            var next = sum is null ? term : sum.add(term);
            sum?.Dispose();
            sum = next.MoveToOuterDisposeScope();
        }

        return sum ?? throw new ArgumentException("no sources to combine", nameof(sources));
    }
}
