using FusionCluster.Core.Methods;

namespace FusionCluster.TestSupport;

/// <summary>Runs one merge method on in-memory tensors, filling parameter defaults as the engine does.</summary>
public static class MethodRunner
{
    public static float[] Run(IMergeMethod method, float[]? baseValues, TestModel[] models,
        Dictionary<string, double>? global = null, long[]? shape = null, int chunk = MergeTensorContext.DefaultChunkElements, ulong seed = 42,
        Action<string>? warn = null)
    {
        var count = baseValues?.Length ?? models[0].Values.Length;
        shape ??= [count];
        var inputs = models.Select((model, i) =>
            new ModelTensor($"model{i}", new ArrayTensorSource(model.Values, shape), WithDefaults(method, ParameterScope.PerModel, model.Parameters))
            {
                Statistics = model.Statistics is null ? null : new ArrayTensorSource(model.Statistics, model.StatisticsShape ?? shape),
            }).ToList();
        var sink = new ArrayTensorSink(count);
        method.Merge(new MergeTensorContext
        {
            TensorName = "layers.0.weight",
            Shape = shape,
            Base = baseValues is null ? null : new ArrayTensorSource(baseValues, shape),
            BaseModel = baseValues is null ? null : "base",
            Models = inputs,
            Parameters = WithDefaults(method, ParameterScope.Global, global),
            Seed = seed,
            ChunkElements = chunk,
            Output = sink,
            Warn = warn ?? (_ => { }),
        });
        return sink.Values;
    }

    private static Dictionary<string, double> WithDefaults(IMergeMethod method, ParameterScope scope, Dictionary<string, double>? given)
    {
        var values = method.Parameters.Where(p => p.Scope == scope && p.Default is not null).ToDictionary(p => p.Name, p => p.Default!.Value);
        foreach (var (name, value) in given ?? [])
        {
            values[name] = value;
        }

        return values;
    }
}
