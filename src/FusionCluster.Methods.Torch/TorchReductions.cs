using static TorchSharp.torch;

namespace FusionCluster.Methods.Torch;

/// <summary>
/// Whole-tensor sums accumulated in double, as the C# kernels accumulate them: they decide coefficients
/// (SLERP) and scales (DARE), so float32 accumulation over millions of elements would move results.
/// Blocks bound the float64 temporaries.
/// </summary>
internal static class TorchReductions
{
    private const long BlockElements = 1 << 24;

    /// <summary>Σ a_k b_k with each product formed exactly in double.</summary>
    public static double Dot(Tensor a, Tensor b) => Blocked(a.numel(), (start, length) =>
    {
        using var a64 = a.narrow(0, start, length).to_type(ScalarType.Float64);
        using var b64 = b.narrow(0, start, length).to_type(ScalarType.Float64);
        using var dot = a64.dot(b64);
        return dot.item<double>();
    });

    /// <summary>Σ |x_k|.</summary>
    public static double L1(Tensor x) => Blocked(x.numel(), (start, length) =>
    {
        using var x64 = x.narrow(0, start, length).to_type(ScalarType.Float64);
        using var sum = x64.abs().sum();
        return sum.item<double>();
    });

    private static double Blocked(long total, Func<long, long, double> block)
    {
        double sum = 0;
        for (long start = 0; start < total; start += BlockElements)
        {
            using var scope = NewDisposeScope();
            sum += block(start, Math.Min(BlockElements, total - start));
        }

        return sum;
    }
}
