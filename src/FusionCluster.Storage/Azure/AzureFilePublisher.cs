using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Azure;

/// <summary>
/// Publishes small result files under az://container/prefix as a merge is published (the manifest last, an old
/// manifest deleted first), and lists the prefixes below one that hold a published result.
/// </summary>
internal sealed class AzureFilePublisher(BlobContainerClient container, AzureLocation location)
{
    public async Task PublishAsync(IReadOnlyList<PublishedContent> files, bool overwrite, CancellationToken cancellationToken)
    {
        var names = PublishedNames.Check(files, location.ToString());
        var present = await BlobsAsync(cancellationToken);
        IReadOnlyList<string> previous = [];
        if (present.TryGetValue(MergeManifest.FileName, out var manifestBytes))
        {
            if (!overwrite)
            {
                throw new StorageException($"'{location}' already holds a published result; overwrite it explicitly to replace it");
            }

            if (manifestBytes > MergeManifest.MaxBytes)
            {
                throw new StorageException($"{location.Describe(MergeManifest.FileName)} is larger than a manifest can be; nothing was written");
            }

            var manifest = await Call(MergeManifest.FileName, async () => (await Blob(MergeManifest.FileName).DownloadContentAsync(cancellationToken)).Value.Content.ToArray());
            previous = [.. MergeManifest.Read(manifest, location.Describe(MergeManifest.FileName)).Select(f => f.Name)];
        }
        else if (present.Count > 0)
        {
            throw new StorageException($"'{location}' holds blobs but no published result; nothing was written there");
        }

        await Call("", () => container.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        if (previous.Count > 0)
        {
            // The old manifest first: from then on readers see no result rather than a mixture.
            await Call(MergeManifest.FileName, () => Blob(MergeManifest.FileName).DeleteIfExistsAsync(cancellationToken: cancellationToken));
            foreach (var name in previous.Except(names, StringComparer.Ordinal))
            {
                await Call(name, () => Blob(name).DeleteIfExistsAsync(cancellationToken: cancellationToken));
            }
        }

        foreach (var file in files)
        {
            await Call(file.Name, () => Blob(file.Name).UploadAsync(BinaryData.FromBytes(file.Bytes), overwrite: true, cancellationToken));
        }

        var list = MergeManifest.Build(files.Select(f => (f.Name, (long)f.Bytes.Length)));
        await Call(MergeManifest.FileName, () => Blob(MergeManifest.FileName).UploadAsync(BinaryData.FromBytes(list), overwrite: true, cancellationToken));
    }

    /// <summary>The names of the prefixes directly below this one whose manifest blob is there.</summary>
    public async Task<IReadOnlyList<string>> ListFoldersAsync(CancellationToken cancellationToken)
    {
        var children = new List<string>();
        try
        {
            await foreach (var item in container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Delimiter = "/", Prefix = location.ListingPrefix }, cancellationToken))
            {
                if (item.IsPrefix)
                {
                    children.Add(item.Prefix[location.ListingPrefix.Length..].TrimEnd('/'));
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

        var published = new List<string>();
        foreach (var child in children.Where(c => c.Length > 0))
        {
            var manifest = $"{child}/{MergeManifest.FileName}";
            if (await Call(manifest, async () => (await Blob(manifest).ExistsAsync(cancellationToken)).Value))
            {
                published.Add(child);
            }
        }

        return published.Order(StringComparer.Ordinal).ToList();
    }

    private BlobClient Blob(string relativeName) => container.GetBlobClient(location.BlobName(relativeName));

    private async Task<Dictionary<string, long>> BlobsAsync(CancellationToken cancellationToken)
    {
        var present = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            await foreach (var item in container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Delimiter = "/", Prefix = location.ListingPrefix }, cancellationToken))
            {
                if (item.IsBlob)
                {
                    present[item.Blob.Name[location.ListingPrefix.Length..]] = item.Blob.Properties.ContentLength ?? 0;
                }
            }
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return present;
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"'{location}': listing", e);
        }

        return present;
    }

    private async Task<T> Call<T>(string name, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap(name.Length > 0 ? location.Describe(name) : $"'{location}'", e);
        }
    }
}
