using FusionCluster.Core.Formats;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Local;

/// <summary>
/// Models and merges in folders of the local file system (or a file system every silo mounts). When
/// data roots are configured, every location must lie inside one of them once every symlink on it is
/// resolved; the store then works on the resolved path, so what was checked is what is opened.
/// </summary>
/// <param name="journal">Set on embedded silos: the staging of their jobs is noted for the next process to clean up.</param>
public sealed class LocalFolderStore(LocalRoots roots, StagingJournal? journal = null) : IArtifactStore
{
    public LocalFolderStore(IReadOnlyList<string> allowedRoots)
        : this(new LocalRoots(allowedRoots))
    {
    }

    public LocalFolderStore()
        : this(LocalRoots.Anywhere)
    {
    }

    /// <summary>The resolved data roots; empty when every folder is allowed.</summary>
    public IReadOnlyList<string> Roots => roots.Folders;

    public bool Handles(string location) => !location.Contains("://", StringComparison.Ordinal);

    public string Resolve(string location, string baseDirectory, bool mustExist)
    {
        // Only outputs (a job's, a sweep candidate's, a published result's) are resolved before they exist.
        // '..' is left to LocalPath.Resolve, which takes it after the link before it, as the kernel will.
        if (!mustExist)
        {
            return roots.Check(Path.IsPathRooted(location) ? location : Path.Combine(Path.GetFullPath(baseDirectory), location), "output folder");
        }

        // The roots before the folder's existence: whether a folder outside them exists is not the spec's author's to learn.
        var full = ModelPath.FullPath(location, baseDirectory);
        var resolved = roots.Check(full, "model folder");
        ModelPath.RequireFolder(location, full);
        return resolved;
    }

    public Task<ICheckpoint> OpenCheckpointAsync(string location, CancellationToken cancellationToken) =>
        Task.Run<ICheckpoint>(() => CheckpointFolder.Open(location, roots), cancellationToken);

    public IMergeOutput OpenOutput(string location, string jobId) =>
        new LocalMergeOutput(roots.Check(Path.GetFullPath(location), "output folder"), jobId, journal);

    public ISweepOutput OpenSweepOutput(string location) =>
        new LocalSweepOutput(roots.Check(Path.GetFullPath(location), "sweep output folder"));

    public Task PublishFilesAsync(string location, IReadOnlyList<PublishedContent> files, bool overwrite, CancellationToken cancellationToken) =>
        Task.Run(() => LocalFilePublisher.Publish(roots.Check(Path.GetFullPath(location), "output folder"), files, overwrite, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<string>> ListPublishedFoldersAsync(string location, CancellationToken cancellationToken) =>
        Task.Run(() => LocalFilePublisher.ListPublishedFolders(roots.Check(Path.GetFullPath(location), "results folder")), cancellationToken);

    public Task<IReadOnlyList<PublishedArtifact>> ListPublishedAsync(string location, CancellationToken cancellationToken) =>
        Task.Run(() => ListPublished(roots.Check(Path.GetFullPath(location), "output folder")), cancellationToken);

    public Task<Stream?> OpenPublishedAsync(string location, string name, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            var folder = roots.Check(Path.GetFullPath(location), "output folder");
            var listed = ListPublished(folder).FirstOrDefault(f => f.Name == name);
            if (listed is null)
            {
                return null;
            }

            // Opened without following a link: a file swapped for one since the listing is refused.
            var stream = LocalFile.OpenRegular(Path.Combine(folder, listed.Name), "published file");
            if (stream.Length != listed.Bytes)
            {
                stream.Dispose();
                return null;
            }

            return (Stream?)stream;
        }, cancellationToken);

    /// <summary>
    /// The manifest's files that are still regular files of the size it records, and the manifest. A
    /// folder without a manifest (nothing published, or someone else's folder) lists nothing.
    /// </summary>
    private static IReadOnlyList<PublishedArtifact> ListPublished(string folder)
    {
        var manifestPath = Path.Combine(folder, MergeManifest.FileName);
        if (!Directory.Exists(folder) || !PublishedFileAt(manifestPath, out var manifestFile) || manifestFile.Length > MergeManifest.MaxBytes)
        {
            return [];
        }

        // Too large now (it grew after the check above) is not a published result either.
        var manifest = LocalFile.ReadAllBytes(manifestPath, "manifest", MergeManifest.MaxBytes, _ => new StorageException($"{manifestPath} is not a published manifest"));

        var files = new List<PublishedArtifact>();
        foreach (var listed in MergeManifest.Read(manifest, manifestPath))
        {
            if (PublishedFileAt(Path.Combine(folder, listed.Name), out var file) && file.Length == listed.Bytes)
            {
                files.Add(listed with { LastModified = file.LastWriteTimeUtc });
            }
        }

        files.Add(new PublishedArtifact(MergeManifest.FileName, manifestFile.Length, manifestFile.LastWriteTimeUtc));
        return files.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>A regular file, not a symlink (which FileInfo would describe by its target).</summary>
    private static bool PublishedFileAt(string path, out FileInfo file)
    {
        file = new FileInfo(path);
        return file.Exists && file.LinkTarget is null;
    }
}
