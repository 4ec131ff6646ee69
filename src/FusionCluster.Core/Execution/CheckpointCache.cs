using System.Collections.Concurrent;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Execution;

/// <summary>
/// Opened input checkpoints, shared by the units that run in one process. A checkpoint whose files changed
/// is reopened; a unit that names the versions its job planned with gets exactly those, or an error.
/// </summary>
public sealed class CheckpointCache(ArtifactStores stores) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ICheckpoint>>> checkpoints = new(StringComparer.Ordinal);

    // Replaced checkpoints stay open until the cache goes: units that started on them may still read.
    private readonly ConcurrentBag<ICheckpoint> replaced = [];

    public Task<ICheckpoint> GetAsync(string location, CancellationToken cancellationToken) =>
        GetAsync(location, plannedVersions: null, cancellationToken);

    /// <param name="plannedVersions">
    /// The <see cref="ICheckpoint.WeightFileVersions"/> the job planned with, or null for whatever is stored now.
    /// A cached checkpoint of other versions is reopened once; if the store no longer holds the planned
    /// versions, the unit fails rather than merge other weights than the plan's.
    /// </param>
    public async Task<ICheckpoint> GetAsync(string location, IReadOnlyList<string>? plannedVersions, CancellationToken cancellationToken)
    {
        var checkpoint = await GetCurrentAsync(location, reopen: false, cancellationToken);
        if (plannedVersions is null || checkpoint.WeightFileVersions.SequenceEqual(plannedVersions, StringComparer.Ordinal))
        {
            return checkpoint;
        }

        checkpoint = await GetCurrentAsync(location, reopen: true, cancellationToken);
        return checkpoint.WeightFileVersions.SequenceEqual(plannedVersions, StringComparer.Ordinal)
            ? checkpoint
            : throw new CheckpointException(
                $"{location}: changed since the job planned it (planned with {string.Join("; ", plannedVersions)}; now {string.Join("; ", checkpoint.WeightFileVersions)})");
    }

    private async Task<ICheckpoint> GetCurrentAsync(string location, bool reopen, CancellationToken cancellationToken)
    {
        var (checkpoint, opening) = await OpenOrJoinAsync(location, cancellationToken);
        if (!reopen && !await checkpoint.HasChangedAsync(cancellationToken))
        {
            return checkpoint;
        }

        if (checkpoints.TryRemove(new KeyValuePair<string, Lazy<Task<ICheckpoint>>>(location, opening)))
        {
            replaced.Add(checkpoint);
        }

        // What is opened now is current by definition: not asked again, so a store that always answers
        // "changed" costs one reopen per call, never a loop.
        return (await OpenOrJoinAsync(location, cancellationToken)).Checkpoint;
    }

    private async Task<(ICheckpoint Checkpoint, Lazy<Task<ICheckpoint>> Opening)> OpenOrJoinAsync(string location, CancellationToken cancellationToken)
    {
        var opening = checkpoints.GetOrAdd(location, l => new Lazy<Task<ICheckpoint>>(() => stores.OpenCheckpointAsync(l, CancellationToken.None)));
        try
        {
            return (await opening.Value.WaitAsync(cancellationToken), opening);
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
