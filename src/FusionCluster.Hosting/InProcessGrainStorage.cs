using System.Collections.Concurrent;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace FusionCluster.Hosting;

/// <summary>
/// Grain state of the embedded silo, held in this process and gone with it. Orleans' memory storage keeps state in
/// grains of the same silo, which a shutdown may deactivate before the grains that write on their way out (the resource
/// history does): each such write then failed after Orleans had retried placing the storage grain and logged every try
/// as an error, so a command that succeeded ended with screens of stack traces. A dictionary has no activation to lose.
/// </summary>
/// <remarks>
/// State is stored serialized, as a real store keeps it, so a grain never shares an object with the store; an ETag that
/// is not the stored record's (none when there is no record) is a conflict, as in the cluster's Redis storage. The
/// serializer is the silo's (<c>GrainStateSerializer</c>), as in Redis.
/// </remarks>
public sealed class InProcessGrainStorage(IGrainStorageSerializer serializer, IActivatorProvider activators) : IGrainStorage
{
    private readonly ConcurrentDictionary<string, StoredState> records = new(StringComparer.Ordinal);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (records.TryGetValue(Key(stateName, grainId), out var stored))
        {
            grainState.State = serializer.Deserialize<T>(stored.Data) ?? activators.GetActivator<T>().Create();
            grainState.ETag = stored.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            Reset(grainState);
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = Key(stateName, grainId);
        var written = new StoredState(serializer.Serialize(grainState.State), Guid.NewGuid().ToString("N"));
        lock (records)
        {
            CheckETag(key, grainState.ETag, "write");
            records[key] = written;
        }

        grainState.ETag = written.ETag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = Key(stateName, grainId);
        lock (records)
        {
            CheckETag(key, grainState.ETag, "clear");
            records.TryRemove(key, out _);
        }

        Reset(grainState);
        return Task.CompletedTask;
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";

    /// <exception cref="InconsistentStateException">Another activation wrote or cleared the record since this one read it.</exception>
    private void CheckETag(string key, string? etag, string operation)
    {
        var stored = records.TryGetValue(key, out var record) ? record.ETag : null;
        if (stored != etag)
        {
            throw new InconsistentStateException($"cannot {operation} grain state {key}: it holds version {stored ?? "(none)"}, the grain read {etag ?? "(none)"}", stored, etag);
        }
    }

    private void Reset<T>(IGrainState<T> grainState)
    {
        grainState.State = activators.GetActivator<T>().Create();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private sealed record StoredState(BinaryData Data, string ETag);
}
