using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Execution;

/// <summary>
/// The stored tensors a shared unit reads, each opened once for every candidate that reads it and released
/// when the last of them is done with it, so a shared unit holds no more inputs at a time than one tensor's.
/// A floating point tensor that more than one candidate still reads is decoded once for all of them
/// (<see cref="DecodedStoredTensor"/>), up to <see cref="DecodedBudgetBytes"/> of decoded values held at a time.
/// Used by one unit at a time (methods read the opened tensors in parallel, which they allow).
/// </summary>
internal sealed class SharedTensorReads(CheckpointCache checkpoints) : IDisposable
{
    /// <summary>The most bytes of decoded inputs held at once: a quarter of a unit's memory, beside the outputs a scoring unit holds.</summary>
    public const long DecodedBudgetBytes = UnitMemory.BytesPerUnit / 4;

    private long decodedBytes;

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
            source = await checkpoint.OpenTensorAsync(tensor, cancellationToken);
            var decoded = source.DType.IsFloatingPoint() && uses.GetValueOrDefault((location, tensor)) > 1 ? new DecodedStoredTensor(source) : null;
            if (decoded is not null && decodedBytes + decoded.DecodedBytes <= DecodedBudgetBytes)
            {
                decodedBytes += decoded.DecodedBytes;
                source = decoded;
            }

            opened[(location, tensor)] = source;
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
                if (source is DecodedStoredTensor decoded)
                {
                    decodedBytes -= decoded.DecodedBytes;
                }

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
        decodedBytes = 0;
    }
}
