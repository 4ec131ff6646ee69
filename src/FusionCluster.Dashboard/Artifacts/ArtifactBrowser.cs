using Azure;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using FusionCluster.Core.Storage;
using FusionCluster.Dashboard.Security;
using FusionCluster.Storage.Azure;

namespace FusionCluster.Dashboard.Artifacts;

/// <summary>
/// Lists and opens output files in local folders and in the blob account of
/// Fusion:Storage:Azure:ConnectionString (or AccountUrl with DefaultAzureCredential), the same settings
/// the silos use. Errors carry status codes and locations, never the account's credentials.
/// </summary>
public sealed class ArtifactBrowser : IArtifactBrowser
{
    private readonly BlobServiceClient? blobs;
    private readonly SecretRedactor redactor;

    public ArtifactBrowser(IConfiguration configuration, SecretRedactor redactor)
    {
        this.redactor = redactor;
        var azure = configuration.GetSection("Fusion:Storage:Azure");
        try
        {
            if (azure["ConnectionString"] is { Length: > 0 } connectionString)
            {
                blobs = new BlobServiceClient(connectionString);
            }
            else if (azure["AccountUrl"] is { Length: > 0 } accountUrl && Uri.TryCreate(accountUrl, UriKind.Absolute, out var url))
            {
                blobs = new BlobServiceClient(url, new DefaultAzureCredential());
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // The parser's message may quote the connection string; az:// outputs report "not configured" instead.
            blobs = null;
        }
    }

    public async Task<IReadOnlyList<ArtifactFile>> ListAsync(string location, CancellationToken cancellationToken)
    {
        if (!AzureLocation.IsAzure(location))
        {
            return ListLocal(location);
        }

        var (container, parsed) = Blob(location);
        var files = new List<ArtifactFile>();
        try
        {
            await foreach (var item in container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Delimiter = "/", Prefix = parsed.ListingPrefix }, cancellationToken))
            {
                if (item.IsBlob)
                {
                    files.Add(new ArtifactFile(item.Blob.Name[parsed.ListingPrefix.Length..], item.Blob.Properties.ContentLength ?? 0, item.Blob.Properties.LastModified));
                }
            }
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return [];
        }
        catch (RequestFailedException e)
        {
            throw new ArtifactException($"{parsed}: blob storage answered {e.Status} {e.ErrorCode}");
        }

        return files.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<Stream?> OpenReadAsync(string location, string name, CancellationToken cancellationToken)
    {
        if (!IsPlainName(name))
        {
            return null;
        }

        if (!AzureLocation.IsAzure(location))
        {
            var path = Path.Combine(Path.GetFullPath(location), name);
            return ListLocal(location).Any(f => f.Name == name) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true) : null;
        }

        var (container, parsed) = Blob(location);
        try
        {
            return await container.GetBlobClient(parsed.BlobName(name)).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException e)
        {
            throw new ArtifactException($"{parsed.Describe(name)}: blob storage answered {e.Status} {e.ErrorCode}");
        }
    }

    private static bool IsPlainName(string name)
    {
        try
        {
            StorageNames.CheckFileName(name);
            return true;
        }
        catch (StorageException)
        {
            return false;
        }
    }

    private IReadOnlyList<ArtifactFile> ListLocal(string location)
    {
        try
        {
            var folder = new DirectoryInfo(Path.GetFullPath(location));
            if (!folder.Exists)
            {
                return [];
            }

            // Dot files and folders (the staging folder) are work in progress, not results.
            return folder.EnumerateFiles()
                .Where(f => !f.Name.StartsWith('.'))
                .Select(f => new ArtifactFile(f.Name, f.Length, f.LastWriteTimeUtc))
                .OrderBy(f => f.Name, StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ArtifactException(redactor.Redact($"{location}: {e.Message}"));
        }
    }

    private (BlobContainerClient Container, AzureLocation Location) Blob(string location)
    {
        AzureLocation parsed;
        try
        {
            parsed = AzureLocation.Parse(location);
        }
        catch (StorageException e)
        {
            throw new ArtifactException(e.Message);
        }

        if (blobs is null)
        {
            throw new ArtifactException($"{parsed}: no blob storage is configured for the dashboard (Fusion:Storage:Azure:ConnectionString or AccountUrl)");
        }

        return (blobs.GetBlobContainerClient(parsed.Container), parsed);
    }
}
