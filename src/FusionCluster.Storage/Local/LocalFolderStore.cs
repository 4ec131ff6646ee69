using FusionCluster.Core.Formats;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Local;

/// <summary>
/// Models and merges in folders of the local file system (or a file system every silo mounts). When
/// data roots are configured, every location must lie inside one of them.
/// </summary>
public sealed class LocalFolderStore(IReadOnlyList<string> allowedRoots) : IArtifactStore
{
    private readonly IReadOnlyList<string> roots = allowedRoots.Select(r => Path.TrimEndingDirectorySeparator(Path.GetFullPath(r))).ToList();

    public LocalFolderStore()
        : this([])
    {
    }

    public bool Handles(string location) => !location.Contains("://", StringComparison.Ordinal);

    public string Resolve(string location, string baseDirectory, bool mustExist)
    {
        var full = mustExist
            ? ModelPath.ResolveLocal(location, baseDirectory)
            : Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.IsPathRooted(location) ? location : Path.Combine(baseDirectory, location)));
        CheckInsideRoots(full);
        return full;
    }

    public Task<ICheckpoint> OpenCheckpointAsync(string location, CancellationToken cancellationToken)
    {
        CheckInsideRoots(Path.GetFullPath(location));
        return Task.Run<ICheckpoint>(() => CheckpointFolder.Open(location), cancellationToken);
    }

    public IMergeOutput OpenOutput(string location, string jobId)
    {
        var full = Path.GetFullPath(location);
        CheckInsideRoots(full);
        return new LocalMergeOutput(full, jobId);
    }

    private void CheckInsideRoots(string fullPath)
    {
        if (roots.Count == 0)
        {
            return;
        }

        if (!roots.Any(root => fullPath == root || fullPath.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            throw new StorageException($"'{fullPath}' is outside the configured data roots ({string.Join(", ", roots)})");
        }
    }
}
