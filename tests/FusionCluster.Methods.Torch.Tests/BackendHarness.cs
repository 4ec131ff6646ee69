using FusionCluster.Core.Methods;

namespace FusionCluster.Methods.Torch.Tests;

/// <summary>
/// Runs one merge method on in-memory tensors on a chosen device (cpu: the C# kernels; torch-cpu: the
/// torch backend on the CPU), filling parameter defaults as the engine does.
/// </summary>
internal static class BackendHarness
{
    /// <summary>
    /// Agreement bound between the backends, for inputs in [-1, 1], weights and λ at most 1 and up to three
    /// models. Where both run the same float32 operations in the same order the outputs are bit-identical
    /// (linear, ties, dare_ties); where C# accumulates in double and torch in float32 (the task_arithmetic
    /// and dare_linear sum; the SLERP inner products and DARE L1 norms, which torch sums in double but in
    /// another order) each of the at most 8 roundings of a float32 step costs at most half an ulp of a
    /// partial result of magnitude at most 4, i.e. 8 · 2^-24 · 4 ≈ 1.9e-6. 4e-6 leaves a factor two.
    /// </summary>
    public const double Float32Tolerance = 4e-6;

    public static readonly TorchMergeMethodCatalog Catalog = new(() => "no CUDA in tests");

    public static float[] Run(string method, string device, float[]? baseValues, TestModel[] models,
        Dictionary<string, double>? global = null, long[]? shape = null, ulong seed = 42, int chunk = MergeTensorContext.DefaultChunkElements) =>
        MethodRunner.Run(Catalog.Resolve(method, device), baseValues, models, global, shape, chunk, seed);

    /// <summary>The same merge on the C# kernels and on torch-cpu.</summary>
    public static (float[] Cpu, float[] Torch) Both(string method, float[]? baseValues, TestModel[] models,
        Dictionary<string, double>? global = null, long[]? shape = null, ulong seed = 42) =>
        (Run(method, MergeDevices.Cpu, baseValues, models, global, shape, seed),
         Run(method, MergeDevices.TorchCpu, baseValues, models, global, shape, seed));

    public static Dictionary<string, double> W(double weight) => new() { ["weight"] = weight };

    public static Dictionary<string, double> Wd(double weight, double density) => new() { ["weight"] = weight, ["density"] = density };

    public static void Close(float[] expected, float[] actual, double tolerance = Float32Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R} (difference {Math.Abs(expected[i] - actual[i]):E2}, tolerance {tolerance:E1})");
        }
    }

    /// <summary>Indices of the zero elements: what a sparsifier dropped when base is 0 and no input is 0.</summary>
    public static int[] Zeros(float[] values) => Enumerable.Range(0, values.Length).Where(i => values[i] == 0).ToArray();

    /// <summary>Uniform in [-1, 1), never exactly 0 (so a zero output always means "dropped").</summary>
    public static float[] Random(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var v = (float)(rng.NextDouble() * 2 - 1);
            return v == 0 ? 0.5f : v;
        }).ToArray();
    }
}
