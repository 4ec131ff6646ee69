using FusionCluster.Core.Methods;

namespace FusionCluster.Core.Tests.Methods;

/// <summary>One non-base input for <see cref="MethodHarness.Run"/>.</summary>
internal sealed record TestModel(float[] Values, Dictionary<string, double>? Parameters = null);

/// <summary>Runs a registered method on in-memory tensors, filling parameter defaults as the engine does.</summary>
internal static class MethodHarness
{
    public static float[] Run(string method, float[]? baseValues, TestModel[] models,
        Dictionary<string, double>? global = null, long[]? shape = null, int chunk = 1 << 20, ulong seed = 42,
        List<string>? warnings = null)
    {
        var m = MergeMethodRegistry.Get(method);
        var count = baseValues?.Length ?? models[0].Values.Length;
        shape ??= [count];
        var parameters = new Dictionary<string, double>();
        foreach (var p in m.Parameters.Where(p => p.Scope == ParameterScope.Global && p.Default is not null))
        {
            parameters[p.Name] = p.Default!.Value;
        }
        foreach (var (k, v) in global ?? [])
        {
            parameters[k] = v;
        }
        var inputs = models.Select((model, i) =>
        {
            var perModel = new Dictionary<string, double>();
            foreach (var p in m.Parameters.Where(p => p.Scope == ParameterScope.PerModel && p.Default is not null))
            {
                perModel[p.Name] = p.Default!.Value;
            }
            foreach (var (k, v) in model.Parameters ?? [])
            {
                perModel[k] = v;
            }
            return new ModelTensor($"model{i}", new ArrayTensorSource(model.Values, shape), perModel);
        }).ToList();
        var sink = new ArrayTensorSink(count);
        m.Merge(new MergeTensorContext
        {
            TensorName = "layers.0.weight",
            Shape = shape,
            Base = baseValues is null ? null : new ArrayTensorSource(baseValues, shape),
            BaseModel = baseValues is null ? null : "base",
            Models = inputs,
            Parameters = parameters,
            Seed = seed,
            ChunkElements = chunk,
            Output = sink,
            Warn = w => warnings?.Add(w),
        });
        return sink.Values;
    }

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
