namespace FusionCluster.Alignment.Matching;

/// <summary>Tensors already in memory (tests, benchmarks, callers that decoded them themselves).</summary>
public sealed class InMemoryAlignmentTensors : IAlignmentTensors
{
    private readonly IReadOnlyDictionary<string, float[]> values;

    public InMemoryAlignmentTensors(string name, IReadOnlyDictionary<string, (long[] Shape, float[] Values)> tensors)
    {
        Name = name;
        Shapes = tensors.ToDictionary(t => t.Key, t => t.Value.Shape, StringComparer.Ordinal);
        values = tensors.ToDictionary(t => t.Key, t => t.Value.Values, StringComparer.Ordinal);
        foreach (var (tensor, (shape, data)) in tensors)
        {
            if (shape.Aggregate(1L, (a, b) => a * b) != data.Length)
            {
                throw new AlignmentException($"{name}: tensor '{tensor}' is [{string.Join(", ", shape)}] but has {data.Length} values");
            }
        }
    }

    public string Name { get; }

    public IReadOnlyDictionary<string, long[]> Shapes { get; }

    public float[] Read(string tensor) =>
        values.TryGetValue(tensor, out var data) ? data : throw new AlignmentException($"{Name}: no tensor '{tensor}'");
}
