namespace FusionCluster.Dashboard.Artifacts;

/// <summary>
/// Read-only access to a merge's published output: a local folder or az://container/prefix. Outputs are
/// flat (shards, index, config, tokenizer, report, manifest), so only the location's own files are listed.
/// </summary>
public interface IArtifactBrowser
{
    /// <summary>The files at <paramref name="location"/>, by name; empty when nothing is there.</summary>
    /// <exception cref="ArtifactException">The store cannot be read or is not configured.</exception>
    Task<IReadOnlyList<ArtifactFile>> ListAsync(string location, CancellationToken cancellationToken);

    /// <summary>A seekable stream of one listed file, or null when the location has no file of that name.</summary>
    /// <exception cref="ArtifactException">The store cannot be read or is not configured.</exception>
    Task<Stream?> OpenReadAsync(string location, string name, CancellationToken cancellationToken);
}
