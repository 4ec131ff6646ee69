using FusionCluster.Core.Storage;
using FusionCluster.Dashboard.Security;

namespace FusionCluster.Dashboard.Artifacts;

/// <summary>
/// Lists and opens a job's published files through the same stores the silos write with (local folders
/// within Fusion:Storage:LocalRoots, and az:// with Fusion:Storage:Azure). Only the files the job's
/// manifest lists are visible; errors are redacted, so they never quote the account's credentials.
/// </summary>
public sealed class ArtifactBrowser(ArtifactStores stores, SecretRedactor redactor) : IArtifactBrowser
{
    public async Task<IReadOnlyList<ArtifactFile>> ListAsync(string location, CancellationToken cancellationToken)
    {
        try
        {
            var published = await stores.ListPublishedAsync(location, cancellationToken);
            return published.Select(f => new ArtifactFile(f.Name, f.Bytes, f.LastModified)).ToList();
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
        {
            throw new ArtifactException(redactor.Redact(e.Message));
        }
    }

    public async Task<Stream?> OpenReadAsync(string location, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await stores.OpenPublishedAsync(location, name, cancellationToken);
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
        {
            throw new ArtifactException(redactor.Redact(e.Message));
        }
    }
}
