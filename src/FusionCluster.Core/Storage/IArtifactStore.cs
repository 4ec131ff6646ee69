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

    /// <summary>
    /// The files of the merge published at <paramref name="location"/>: those its manifest lists that are
    /// still there as written (same size; locally, regular files and not symlinks), and the manifest itself.
    /// Empty when nothing was published there. Anything else in the location is never listed.
    /// </summary>
    /// <exception cref="StorageException">The location cannot be read or escapes the allowed roots.</exception>
    Task<IReadOnlyList<PublishedArtifact>> ListPublishedAsync(string location, CancellationToken cancellationToken);

    /// <summary>A seekable stream of one file <see cref="ListPublishedAsync"/> lists, or null for any other name.</summary>
    /// <exception cref="StorageException">The location cannot be read or escapes the allowed roots.</exception>
    Task<Stream?> OpenPublishedAsync(string location, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes small files whole at <paramref name="location"/> (a result that is not a merge, such as a
    /// connect result): the files first, a manifest listing them last, so <see cref="ListPublishedAsync"/> sees
    /// the old result or the new one, never a part. Refuses a location that already holds a published result
    /// unless <paramref name="overwrite"/>, and one that holds anything else always.
    /// </summary>
    /// <exception cref="StorageException">The location holds something, cannot be written, or escapes the allowed roots.</exception>
    Task PublishFilesAsync(string location, IReadOnlyList<PublishedContent> files, bool overwrite, CancellationToken cancellationToken) =>
        throw new StorageException($"'{location}': this store cannot publish result files");

    /// <summary>
    /// The names of the folders directly under <paramref name="location"/> that hold a published result (their
    /// manifest is there), sorted ordinally; empty when the location does not exist.
    /// </summary>
    /// <exception cref="StorageException">The location cannot be read or escapes the allowed roots.</exception>
    Task<IReadOnlyList<string>> ListPublishedFoldersAsync(string location, CancellationToken cancellationToken) =>
        throw new StorageException($"'{location}': this store cannot list published results");

    /// <summary>The output of a sweep at <paramref name="location"/> (canonical, as <see cref="Resolve"/> returns it).</summary>
    /// <exception cref="StorageException">The location is malformed or escapes the allowed roots.</exception>
    ISweepOutput OpenSweepOutput(string location);
}
