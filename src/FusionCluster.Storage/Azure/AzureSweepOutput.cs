using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Azure;

/// <summary>
/// A sweep's output under az://container/prefix (<see cref="SweepOutputLayout"/>). Blobs have no folders to
/// rename, so best/ is replaced in an order that never shows a mixture as complete: the old best's manifest
/// goes first (best/ then lists nothing), its other files next, then the new files, and the new manifest last.
/// Copies are server-side (the bytes never pass through the silo). There is no evaluation cache folder here:
/// a cluster caches evaluations in Redis.
/// </summary>
internal sealed class AzureSweepOutput(BlobContainerClient container, AzureLocation root) : ISweepOutput
{
    public string Root => root.ToString();

    public string BestLocation => Child(SweepOutputLayout.BestFolder).ToString();

    public string? EvaluationCacheFolder => null;

    public string? BaselineFolder(string rule) => null;

    public string MergeLocation(string key) => Child(SweepOutputLayout.MergesFolder, SweepOutputLayout.CheckKey(key)).ToString();

    public string ConnectLocation(int run, int point) => Child(SweepOutputLayout.ConnectFolder, SweepOutputLayout.ConnectResultName(run, point)).ToString();

    public async Task ClaimAsync(string sweep, string name, CancellationToken cancellationToken)
    {
        var ownerName = root.BlobName(SweepOutputLayout.OwnerFileName);
        var names = new HashSet<string>(StringComparer.Ordinal);
        await Call(root.ToString(), async () =>
        {
            if ((await container.ExistsAsync(cancellationToken)).Value)
            {
                await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, root.ListingPrefix, cancellationToken))
                {
                    var relative = item.Name[root.ListingPrefix.Length..];
                    var slash = relative.IndexOf('/', StringComparison.Ordinal);
                    names.Add(slash < 0 ? relative : relative[..slash]);
                }
            }

            return names;
        });
        var owner = names.Contains(SweepOutputLayout.OwnerFileName)
            ? await Call(ownerName, async () => (await container.GetBlobClient(ownerName).DownloadContentAsync(cancellationToken)).Value.Content.ToString())
            : null;
        var bestIsPromoted = !names.Contains(SweepOutputLayout.BestFolder) || await ExistsAsync(Child(SweepOutputLayout.BestFolder).BlobName(SweepOutputLayout.BestInfoFileName), cancellationToken);
        if (SweepOutputLayout.ClaimRefusal(Root, sweep, owner, names.Where(n => n != SweepOutputLayout.OwnerFileName).ToList(), bestIsPromoted) is { } refusal)
        {
            throw new StorageException(refusal);
        }

        if (owner is null || SweepOutputLayout.NamesNoName(owner))
        {
            await Call(ownerName, () => container.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
            await Call(ownerName, () => container.GetBlobClient(ownerName).UploadAsync(BinaryData.FromString(SweepOutputLayout.OwnerJson(sweep, name)), overwrite: true, cancellationToken));
        }
    }

    public async Task<SweepOutputHistory> ReadHistoryAsync(string sweep, CancellationToken cancellationToken)
    {
        var ownerName = root.BlobName(SweepOutputLayout.OwnerFileName);
        if (!(await Call(ownerName, async () => (await container.ExistsAsync(cancellationToken)).Value)) || !await ExistsAsync(ownerName, cancellationToken)
            || SweepOutputLayout.OwnerOf(await DownloadRecordAsync(ownerName, cancellationToken)) != sweep)
        {
            return SweepOutputHistory.None;
        }

        var runsFolder = Child(SweepOutputLayout.RunsFolder);
        var names = await Call(runsFolder.ToString(), async () =>
        {
            var found = new List<(int Number, string Name)>();
            await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, runsFolder.ListingPrefix, cancellationToken))
            {
                var relative = item.Name[runsFolder.ListingPrefix.Length..];
                if (!relative.Contains('/', StringComparison.Ordinal) && SweepOutputLayout.RunNumber(relative) is { } number)
                {
                    found.Add((number, item.Name));
                }
            }

            return found;
        });
        var runs = new List<(int, string?)>();
        foreach (var (number, name) in names.OrderBy(r => r.Number))
        {
            runs.Add((number, await DownloadRunRecordAsync(name, cancellationToken)));
        }

        var bestInfo = Child(SweepOutputLayout.BestFolder).BlobName(SweepOutputLayout.BestInfoFileName);
        return new SweepOutputHistory(runs, await ExistsAsync(bestInfo, cancellationToken) ? await DownloadRecordAsync(bestInfo, cancellationToken) : null);
    }

    public async Task<IReadOnlySet<string>> PublishedMergesAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        var published = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            if (await ExistsAsync(Child(SweepOutputLayout.MergesFolder, SweepOutputLayout.CheckKey(key)).BlobName(MergeManifest.FileName), cancellationToken))
            {
                published.Add(key);
            }
        }

        return published;
    }

    public Task<bool> HasBestAsync(CancellationToken cancellationToken) =>
        ExistsAsync(Child(SweepOutputLayout.BestFolder).BlobName(MergeManifest.FileName), cancellationToken);

    public async Task WriteRunAsync(int number, string json, CancellationToken cancellationToken)
    {
        // One PUT replaces a blob atomically: readers see the old record or the new one.
        var name = root.BlobName($"{SweepOutputLayout.RunsFolder}/{SweepOutputLayout.RunFileName(number)}");
        await Call(name, () => container.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        await Call(name, () => container.GetBlobClient(name).UploadAsync(BinaryData.FromString(json), overwrite: true, cancellationToken));
    }

    public async Task PromoteAsync(string key, string infoJson, CancellationToken cancellationToken)
    {
        var source = Child(SweepOutputLayout.MergesFolder, SweepOutputLayout.CheckKey(key));
        var best = Child(SweepOutputLayout.BestFolder);
        var manifestName = source.BlobName(MergeManifest.FileName);
        var manifest = await Call(manifestName, async () =>
        {
            var properties = await container.GetBlobClient(manifestName).GetPropertiesAsync(cancellationToken: cancellationToken);
            if (properties.Value.ContentLength > MergeManifest.MaxBytes)
            {
                throw new StorageException($"{source.Describe(MergeManifest.FileName)} is larger than a manifest can be; not promoted");
            }

            return (await container.GetBlobClient(manifestName).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        });
        var files = MergeManifest.Read(manifest, source.Describe(MergeManifest.FileName)).Select(f => f.Name).ToList();

        // The old best: its manifest first, so a reader never takes what remains for a published merge.
        await DeleteAsync(best.BlobName(MergeManifest.FileName), cancellationToken);
        await DeleteUnderAsync(best, _ => true, cancellationToken);
        foreach (var name in files)
        {
            await CopyAsync(source.BlobName(name), best.BlobName(name), cancellationToken);
        }

        await Call(best.BlobName(SweepOutputLayout.BestInfoFileName), () => container.GetBlobClient(best.BlobName(SweepOutputLayout.BestInfoFileName)).UploadAsync(BinaryData.FromString(infoJson), overwrite: true, cancellationToken));
        await CopyAsync(manifestName, best.BlobName(MergeManifest.FileName), cancellationToken);
    }

    public async Task PruneAsync(IReadOnlySet<string> keepKeys, IReadOnlySet<int> keepRuns, CancellationToken cancellationToken)
    {
        var merges = Child(SweepOutputLayout.MergesFolder);
        await DeleteUnderAsync(merges, relative =>
        {
            var slash = relative.IndexOf('/', StringComparison.Ordinal);
            var key = slash < 0 ? relative : relative[..slash];
            return slash > 0 && SweepOutputLayout.IsMergeKey(key) && !keepKeys.Contains(key);
        }, cancellationToken);
        await DeleteUnderAsync(Child(SweepOutputLayout.RunsFolder), relative =>
            !relative.Contains('/', StringComparison.Ordinal) && SweepOutputLayout.RunNumber(relative) is { } number && !keepRuns.Contains(number), cancellationToken);
        await DeleteUnderAsync(Child(SweepOutputLayout.ConnectFolder), relative =>
        {
            var slash = relative.IndexOf('/', StringComparison.Ordinal);
            return slash > 0 && SweepOutputLayout.ConnectRunNumber(relative[..slash]) is { } number && !keepRuns.Contains(number);
        }, cancellationToken);
    }

    private AzureLocation Child(params string[] parts) => AzureLocation.Parse($"{root}/{string.Join('/', parts)}");

    private async Task<bool> ExistsAsync(string blobName, CancellationToken cancellationToken) =>
        await Call(blobName, async () => (await container.GetBlobClient(blobName).ExistsAsync(cancellationToken)).Value);

    /// <summary>A small blob this sweep wrote (its owner file, a run record, best/'s info) as text, refused when larger than any such blob.</summary>
    private Task<string> DownloadRecordAsync(string blobName, CancellationToken cancellationToken) => Call(blobName, async () =>
    {
        var blob = container.GetBlobClient(blobName);
        var length = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.ContentLength;
        return length > SweepOutputLayout.MaxRecordBytes
            ? throw new StorageException($"az://{root.Container}/{blobName}: {length} bytes, more than any record a sweep writes")
            : (await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToString();
    });

    /// <summary>A run record's text, or null when it is larger than any a sweep writes: its number still counts.</summary>
    private async Task<string?> DownloadRunRecordAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            return await DownloadRecordAsync(blobName, cancellationToken);
        }
        catch (StorageException e) when (e.InnerException is null)
        {
            return null;
        }
    }

    private async Task CopyAsync(string from, string to, CancellationToken cancellationToken)
    {
        var copy = await Call(to, () => container.GetBlobClient(to).StartCopyFromUriAsync(container.GetBlobClient(from).Uri, cancellationToken: cancellationToken));
        await Call(to, () => copy.WaitForCompletionAsync(cancellationToken).AsTask());
    }

    private Task DeleteAsync(string blobName, CancellationToken cancellationToken) =>
        Call(blobName, () => container.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: cancellationToken));

    /// <summary>Deletes the blobs under <paramref name="folder"/> whose name relative to it <paramref name="select"/> picks.</summary>
    private async Task DeleteUnderAsync(AzureLocation folder, Func<string, bool> select, CancellationToken cancellationToken)
    {
        var doomed = new List<string>();
        await Call(folder.ToString(), async () =>
        {
            await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, folder.ListingPrefix, cancellationToken))
            {
                if (select(item.Name[folder.ListingPrefix.Length..]))
                {
                    doomed.Add(item.Name);
                }
            }

            return doomed;
        });
        // Manifests first, so a reader never takes what remains of a folder for a published result.
        foreach (var name in doomed.OrderBy(n => n.EndsWith($"/{MergeManifest.FileName}", StringComparison.Ordinal) ? 0 : 1))
        {
            await DeleteAsync(name, cancellationToken);
        }
    }

    private async Task<T> Call<T>(string blobName, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            throw new StorageException($"'{root}': container '{root.Container}' does not exist", e);
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"az://{root.Container}/{blobName}", e);
        }
    }
}
