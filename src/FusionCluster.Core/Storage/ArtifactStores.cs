namespace FusionCluster.Core.Storage;

/// <summary>The configured stores; picks the one that handles a location.</summary>
/// <param name="roots">The local data roots, for the files a job reads besides its models; every folder when null.</param>
public sealed class ArtifactStores(IEnumerable<IArtifactStore> stores, LocalRoots? roots = null)
{
    private readonly IReadOnlyList<IArtifactStore> all = stores.ToList();

    /// <summary>The local data roots the stores were configured with (<see cref="LocalRoots.Anywhere"/> when none).</summary>
    public LocalRoots Roots { get; } = roots ?? LocalRoots.Anywhere;

    public IArtifactStore For(string location) =>
        all.FirstOrDefault(s => s.Handles(location))
        ?? throw new StorageException(location.Contains("://", StringComparison.Ordinal)
            ? $"'{location}': no store is configured for this kind of location (az:// needs Fusion:Storage:Azure settings)"
            : $"'{location}': no store handles this location");

    public string Resolve(string location, string baseDirectory, bool mustExist) => For(location).Resolve(location, baseDirectory, mustExist);

    public Task<ICheckpoint> OpenCheckpointAsync(string location, CancellationToken cancellationToken) =>
        For(location).OpenCheckpointAsync(location, cancellationToken);

    public IMergeOutput OpenOutput(string location, string jobId) => For(location).OpenOutput(location, jobId);

    public Task<IReadOnlyList<PublishedArtifact>> ListPublishedAsync(string location, CancellationToken cancellationToken) =>
        For(location).ListPublishedAsync(location, cancellationToken);

    public Task<Stream?> OpenPublishedAsync(string location, string name, CancellationToken cancellationToken) =>
        For(location).OpenPublishedAsync(location, name, cancellationToken);

    public Task PublishFilesAsync(string location, IReadOnlyList<PublishedContent> files, bool overwrite, CancellationToken cancellationToken) =>
        For(location).PublishFilesAsync(location, files, overwrite, cancellationToken);

    public Task<IReadOnlyList<string>> ListPublishedFoldersAsync(string location, CancellationToken cancellationToken) =>
        For(location).ListPublishedFoldersAsync(location, cancellationToken);

    public ISweepOutput OpenSweepOutput(string location) => For(location).OpenSweepOutput(location);
}
