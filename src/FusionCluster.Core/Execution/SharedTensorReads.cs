using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Execution;

/// <summary>
/// The stored tensors a shared unit reads, each opened once for every candidate that reads it and released
/// when the last of them is done with it, so a shared unit holds no more inputs at a time than one tensor's.
/// Used by one unit at a time (methods read the opened tensors in parallel, which they allow).
/// </summary>
internal sealed class SharedTensorReads(CheckpointCache checkpoints) : IDisposable
{
    private readonly Dictionary<(string Location, string Tensor), int> uses = [];
    private readonly Dictionary<(string Location, string Tensor), StoredTensor> opened = [];

    /// <summary>Counts a future use of each of <paramref name="reads"/> (one output tensor's).</summary>
    public void Expect(IEnumerable<(string Location, string Tensor)> reads)
    {
        foreach (var read in reads)
        {
            uses[read] = uses.GetValueOrDefault(read) + 1;
        }
    }

    public async ValueTask<StoredTensor> OpenAsync(UnitAssignment member, string model, string tensor, CancellationToken cancellationToken)
    {
        var location = member.ModelPaths[model];
        if (!opened.TryGetValue((location, tensor), out var source))
        {
            var checkpoint = await checkpoints.GetAsync(location, member.PlannedVersions(location), cancellationToken);
            source = opened[(location, tensor)] = await checkpoint.OpenTensorAsync(tensor, cancellationToken);
        }

        return source;
    }

    /// <summary>Ends one use of each of <paramref name="reads"/>; a tensor no one reads any more is released.</summary>
    public void Release(IEnumerable<(string Location, string Tensor)> reads)
    {
        foreach (var read in reads)
        {
            var left = uses[read] - 1;
            uses[read] = left;
            if (left == 0 && opened.Remove(read, out var source))
            {
                source.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var source in opened.Values)
        {
            source.Dispose();
        }

        opened.Clear();
    }
}
