using FusionCluster.Core.Methods;

namespace FusionCluster.Core.Tests.Methods;

/// <summary>Runs a registered method on in-memory tensors, filling parameter defaults as the engine does.</summary>
internal static class MethodHarness
{
    public static float[] Run(string method, float[]? baseValues, TestModel[] models,
        Dictionary<string, double>? global = null, long[]? shape = null, int chunk = MergeTensorContext.DefaultChunkElements, ulong seed = 42,
        List<string>? warnings = null) =>
        MethodRunner.Run(MergeMethodRegistry.Get(method), baseValues, models, global, shape, chunk, seed, w => warnings?.Add(w));

    public static Dictionary<string, double> W(double weight) => new() { ["weight"] = weight };

    public static void Close(float[] expected, float[] actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    public static float[] Random(int n, int seed, float scale = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale).ToArray();
    }
}
