using System.Collections.Concurrent;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Execution;

/// <summary>Opened input checkpoints, shared by the units that run in one process.</summary>
public sealed class CheckpointCache(ArtifactStores stores) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ICheckpoint>>> checkpoints = new(StringComparer.Ordinal);

    // Replaced checkpoints stay open until the cache goes: units that started on them may still read.
    private readonly ConcurrentBag<ICheckpoint> replaced = [];

    public async Task<ICheckpoint> GetAsync(string location, CancellationToken cancellationToken)
    {
        var opening = checkpoints.GetOrAdd(location, l => new Lazy<Task<ICheckpoint>>(() => stores.OpenCheckpointAsync(l, CancellationToken.None)));
        try
        {
            var checkpoint = await opening.Value.WaitAsync(cancellationToken);
            if (!checkpoint.HasChanged())
            {
                return checkpoint;
            }

            if (checkpoints.TryRemove(new KeyValuePair<string, Lazy<Task<ICheckpoint>>>(location, opening)))
            {
                replaced.Add(checkpoint);
            }

            return await GetAsync(location, cancellationToken);
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
        foreach (var checkpoint in replaced)
        {
            checkpoint.Dispose();
        }

        replaced.Clear();
    }
}
