using System.Collections.Concurrent;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Execution;

/// <summary>Opened input checkpoints, shared by the units that run in one process.</summary>
public sealed class CheckpointCache(ArtifactStores stores) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ICheckpoint>>> checkpoints = new(StringComparer.Ordinal);

    public async Task<ICheckpoint> GetAsync(string location, CancellationToken cancellationToken)
    {
        var opening = checkpoints.GetOrAdd(location, l => new Lazy<Task<ICheckpoint>>(() => stores.OpenCheckpointAsync(l, CancellationToken.None)));
        try
        {
            return await opening.Value.WaitAsync(cancellationToken);
        }
        catch when (opening.Value.IsFaulted)
        {
            // A failed open (a blob service hiccup, a folder fixed since) is retried by the next caller.
            checkpoints.TryRemove(new KeyValuePair<string, Lazy<Task<ICheckpoint>>>(location, opening));
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var opening in checkpoints.Values.Where(o => o.IsValueCreated && o.Value.IsCompletedSuccessfully))
        {
            opening.Value.Result.Dispose();
        }

        checkpoints.Clear();
    }
}
