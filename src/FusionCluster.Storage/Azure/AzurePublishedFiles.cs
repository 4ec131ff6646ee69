using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Azure;

/// <summary>
/// The published files of a merge under az://container/prefix: the blobs its manifest lists, at the size
/// it records, and the manifest. Other blobs under the prefix are never listed or opened.
/// </summary>
internal sealed class AzurePublishedFiles(BlobContainerClient container, AzureLocation location)
{
    public async Task<IReadOnlyList<PublishedArtifact>> ListAsync(CancellationToken cancellationToken)
    {
        var present = new Dictionary<string, BlobItem>(StringComparer.Ordinal);
        try
        {
            await foreach (var item in container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Delimiter = "/", Prefix = location.ListingPrefix }, cancellationToken))
            {
                if (item.IsBlob)
                {
                    present[item.Blob.Name[location.ListingPrefix.Length..]] = item.Blob;
                }
            }
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return [];
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"'{location}': listing", e);
        }

        if (!present.TryGetValue(MergeManifest.FileName, out var manifestBlob) || (manifestBlob.Properties.ContentLength ?? 0) > MergeManifest.MaxBytes)
        {
            return [];
        }

        byte[] manifest;
        try
        {
            manifest = (await container.GetBlobClient(location.BlobName(MergeManifest.FileName)).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (AzureErrors.IsNotFound(e))
        {
            return [];
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap(location.Describe(MergeManifest.FileName), e);
        }

        var files = new List<PublishedArtifact>
        {
            new(MergeManifest.FileName, manifest.Length, manifestBlob.Properties.LastModified),
        };
        foreach (var listed in MergeManifest.Read(manifest, location.Describe(MergeManifest.FileName)))
        {
            if (present.TryGetValue(listed.Name, out var blob) && blob.Properties.ContentLength == listed.Bytes)
            {
                files.Add(listed with { LastModified = blob.Properties.LastModified });
            }
        }

        return files.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<Stream?> OpenAsync(string name, CancellationToken cancellationToken)
    {
        var listed = (await ListAsync(cancellationToken)).FirstOrDefault(f => f.Name == name);
        if (listed is null)
        {
            return null;
        }

        try
        {
            return await container.GetBlobClient(location.BlobName(listed.Name)).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken);
        }
        catch (RequestFailedException e) when (AzureErrors.IsNotFound(e))
        {
            return null;
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap(location.Describe(listed.Name), e);
        }
    }
}
