using FusionCluster.Core.Methods;

namespace FusionCluster.Core.Execution;

/// <summary>
/// The stored tensors a scoring unit's candidates read as they are stored (no rows gathered, no cropping, no rounding), by
/// checkpoint folder and tensor name: a scorer whose reference is the same folder's same tensor reads it from here, so
/// the bytes are decoded once for the merge and the comparison. Only local folders take part.
/// </summary>
public sealed class DecodedInputs
{
    private readonly Dictionary<(string Folder, string Tensor), TensorSource> sources = [];

    public int Count => sources.Count;

    public void Add(string folder, string tensor, TensorSource source)
    {
        if (Key(folder, tensor) is { } key)
        {
            sources.TryAdd(key, source);
        }
    }

    /// <summary>The tensor <paramref name="tensor"/> of <paramref name="folder"/> when a candidate reads it as stored.</summary>
    public TensorSource? Find(string folder, string tensor) => Key(folder, tensor) is { } key && sources.TryGetValue(key, out var source) ? source : null;

    private static (string, string)? Key(string folder, string tensor) =>
        folder.Contains("://", StringComparison.Ordinal) ? null : (Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)), tensor);
}
