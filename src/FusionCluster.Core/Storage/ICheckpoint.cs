using System.Text.Json.Nodes;
using FusionCluster.Core.Formats;

namespace FusionCluster.Core.Storage;

/// <summary>
/// A Hugging Face checkpoint wherever it is stored. Opening reads headers and small JSON files only;
/// tensor bytes are fetched one tensor at a time, when a work unit asks for them. Thread-safe.
/// </summary>
public interface ICheckpoint : IDisposable
{
    /// <summary>Where the checkpoint lives (a full local path or an az:// URI), for messages and reports.</summary>
    string Location { get; }

    /// <summary>config.json, or null when there is none. Shared: DeepClone before changing it.</summary>
    JsonObject? Config { get; }

    /// <summary>All tensor names, weight file by weight file, in data order.</summary>
    IReadOnlyList<string> TensorNames { get; }

    /// <summary>Names of the <see cref="CheckpointFolder.KnownAuxiliaryFileNames"/> present, in that list's order.</summary>
    IReadOnlyList<string> AuxiliaryFiles { get; }

    /// <summary>Size and header hash of every weight file, to identify the inputs of a merge.</summary>
    IReadOnlyList<WeightFileInfo> WeightFiles { get; }

    /// <summary>
    /// The stored version of every weight file when it was opened, in <see cref="WeightFiles"/> order
    /// (local files: size and modification time; blobs: size and ETag). Equal versions mean the same
    /// bytes, so a job can record them when it plans and check them before it vouches for what it merged.
    /// </summary>
    IReadOnlyList<string> WeightFileVersions { get; }

    TensorEntry GetEntry(string name);

    /// <summary>
    /// True when the stored weights are no longer the ones opened (a file replaced or rewritten since), so
    /// that a long-lived silo reopens a retrained model instead of merging stale weights. May ask the store
    /// (blobs), so implementations may answer from a recent check.
    /// </summary>
    ValueTask<bool> HasChangedAsync(CancellationToken cancellationToken);

    /// <summary>Makes one tensor readable. Dispose the result to release its memory or mapping.</summary>
    ValueTask<StoredTensor> OpenTensorAsync(string name, CancellationToken cancellationToken);

    ValueTask<byte[]> ReadAuxiliaryFileAsync(string fileName, CancellationToken cancellationToken);

    /// <summary>
    /// Copies bytes [offset, offset + destination.Length) of weight file <paramref name="fileIndex"/> (in
    /// <see cref="WeightFiles"/> order, header included) as it was when opened. A file replaced, rewritten
    /// or truncated since fails with an exception naming it, never returns other bytes.
    /// </summary>
    ValueTask ReadWeightFileAsync(int fileIndex, long offset, Memory<byte> destination, CancellationToken cancellationToken);
}
