using System.Collections.Concurrent;
using FusionCluster.Core.Formats;

namespace FusionCluster.Core.Execution;

/// <summary>Opened input checkpoints, shared by the units that run in one process.</summary>
public sealed class CheckpointCache : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<CheckpointFolder>> folders = new(StringComparer.Ordinal);

    public CheckpointFolder Get(string path) =>
        folders.GetOrAdd(Path.GetFullPath(path), p => new Lazy<CheckpointFolder>(() => CheckpointFolder.Open(p))).Value;

    public void Dispose()
    {
        foreach (var folder in folders.Values.Where(f => f.IsValueCreated))
        {
            folder.Value.Dispose();
        }

        folders.Clear();
    }
}
