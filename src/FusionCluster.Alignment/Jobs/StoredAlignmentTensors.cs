using System.Collections.Concurrent;
using FusionCluster.Alignment.Matching;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Alignment.Jobs;

/// <summary>
/// A checkpoint as a job's worker opens it (a folder or a blob store, at the versions the job planned),
/// decoded to float32 once per tensor and kept for the alignment unit's lifetime: coordinate descent
/// reads each tensor many times.
/// </summary>
public sealed class StoredAlignmentTensors(ICheckpoint checkpoint, string name, CancellationToken cancellationToken) : IAlignmentTensors
{
    private readonly ConcurrentDictionary<string, float[]> decoded = new(StringComparer.Ordinal);

    public string Name => name;

    public IReadOnlyDictionary<string, long[]> Shapes { get; } = ShapesOf(checkpoint);

    public float[] Read(string tensor) => decoded.GetOrAdd(tensor, Decode);

    /// <summary>Every tensor's shape, by name.</summary>
    public static IReadOnlyDictionary<string, long[]> ShapesOf(ICheckpoint checkpoint) =>
        checkpoint.TensorNames.ToDictionary(n => n, n => checkpoint.GetEntry(n).Shape, StringComparer.Ordinal);

    private float[] Decode(string tensor)
    {
        var entry = checkpoint.GetEntry(tensor);
        if (!entry.DType.IsFloatingPoint())
        {
            throw new AlignmentException($"model '{name}': tensor '{tensor}' is {entry.DType}; weight matching reads floating-point tensors only");
        }

        if (entry.ElementCount > Array.MaxLength)
        {
            throw new AlignmentException($"model '{name}': tensor '{tensor}' has {entry.ElementCount} elements, more than weight matching holds in one array");
        }

        var values = new float[entry.ElementCount];
        // IAlignmentTensors reads synchronously; the unit runs off the Orleans scheduler, on the thread pool.
        using var source = checkpoint.OpenTensorAsync(tensor, cancellationToken).AsTask().GetAwaiter().GetResult();
        source.Read(0, values);
        return values;
    }
}
