using System.Collections.Concurrent;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Alignment.Matching;

/// <summary>
/// A checkpoint folder's tensors, decoded to float32 when read. With <c>cache</c> each tensor is decoded
/// once and kept (fast, but the whole model in float32 stays in memory); without, each read decodes
/// again and memory holds only the tensors in use.
/// </summary>
public sealed class CheckpointAlignmentTensors(CheckpointFolder checkpoint, bool cache) : IAlignmentTensors
{
    private readonly ConcurrentDictionary<string, float[]> decoded = new(StringComparer.Ordinal);

    public string Name => checkpoint.FolderPath;

    public IReadOnlyDictionary<string, long[]> Shapes { get; } =
        checkpoint.TensorNames.ToDictionary(n => n, n => checkpoint.GetEntry(n).Shape, StringComparer.Ordinal);

    public float[] Read(string tensor) => cache ? decoded.GetOrAdd(tensor, Decode) : Decode(tensor);

    private float[] Decode(string tensor)
    {
        var entry = checkpoint.GetEntry(tensor);
        if (!entry.DType.IsFloatingPoint())
        {
            throw new AlignmentException($"{Name}: tensor '{tensor}' is {entry.DType}; weight matching reads floating-point tensors only");
        }

        if (entry.ElementCount > Array.MaxLength)
        {
            throw new AlignmentException($"{Name}: tensor '{tensor}' has {entry.ElementCount} elements, more than weight matching holds in one array");
        }

        var values = new float[entry.ElementCount];
        using var source = checkpoint.OpenTensor(tensor);
        source.Read(0, values);
        return values;
    }
}
