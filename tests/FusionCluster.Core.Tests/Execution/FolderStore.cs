using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Tests.Execution;

/// <summary>Resolves references against the spec folder; the checkpoints it opens are real files.</summary>
internal sealed class FolderStore : IArtifactStore
{
    public bool Handles(string location) => true;

    public string Resolve(string location, string baseDirectory, bool mustExist) => Path.GetFullPath(location, baseDirectory);

    public Task<ICheckpoint> OpenCheckpointAsync(string location, CancellationToken cancellationToken) =>
        Task.FromResult<ICheckpoint>(CheckpointFolder.Open(location));

    public IMergeOutput OpenOutput(string location, string jobId) => throw new NotSupportedException();

    public Task<IReadOnlyList<PublishedArtifact>> ListPublishedAsync(string location, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Stream?> OpenPublishedAsync(string location, string name, CancellationToken cancellationToken) => throw new NotSupportedException();

    public ISweepOutput OpenSweepOutput(string location) => throw new NotSupportedException();
}
