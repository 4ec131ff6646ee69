namespace FusionCluster.Core.Storage;

/// <summary>A kind of storage (local folders, Azure blobs) that models are read from and merges written to.</summary>
public interface IArtifactStore
{
    /// <summary>True when <paramref name="location"/> names this store (for example by its URI scheme).</summary>
    bool Handles(string location);

    /// <summary>
    /// Checks a location taken from a spec or a command line and returns its canonical form: a full path
    /// for folders, a normalised URI for blobs. Relative paths resolve against <paramref name="baseDirectory"/>.
    /// </summary>
    /// <exception cref="StorageException">The location is malformed, escapes the allowed roots, or (for inputs) does not exist.</exception>
    string Resolve(string location, string baseDirectory, bool mustExist);

    Task<ICheckpoint> OpenCheckpointAsync(string location, CancellationToken cancellationToken);

    IMergeOutput OpenOutput(string location, string jobId);
}
