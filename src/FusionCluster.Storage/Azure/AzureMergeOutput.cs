using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Azure;

/// <summary>
/// A merge written to az://container/prefix. Shards are staged as uncommitted blocks directly on their
/// final blob names (no second copy, no server-side copy): the header by <see cref="PrepareAsync"/>, each
/// tensor by whichever silo runs its unit. Uncommitted blocks are invisible to readers, so nothing of the
/// result shows until <see cref="PublishAsync"/> commits each shard's block list, uploads the small files
/// and the index, and writes fusion-manifest.json last. Every method works from the plan, the location
/// and the job id alone, so any silo can open the same output and any step can be retried.
/// </summary>
public sealed class AzureMergeOutput : IMergeOutput
{
    /// <summary>Blob metadata naming the job that wrote a published blob (metadata names must be C# identifiers).</summary>
    public const string JobMetadataKey = "fusionjob";

    private const string ShardContentType = "application/octet-stream";

    private readonly BlobContainerClient container;
    private readonly AzureLocation location;
    private readonly string jobId;
    private readonly string jobTag;
    private readonly AzureBlobStoreOptions options;

    public AzureMergeOutput(BlobContainerClient container, AzureLocation location, string jobId, AzureBlobStoreOptions options)
    {
        this.container = container;
        this.location = location;
        this.jobId = StorageNames.CheckJobId(jobId);
        this.options = options.Validate();
        jobTag = BlockIds.JobTag(jobId);
    }

    public string Location => location.ToString();

    public async Task CheckAsync(bool overwrite, CancellationToken cancellationToken)
    {
        if (overwrite)
        {
            // The old result stays complete and readable until PublishAsync: staged blocks are invisible,
            // and publishing removes the old manifest before it changes anything else.
            return;
        }

        // As for folders: a new or empty prefix, unless overwriting; others' blobs are never taken over silently.
        var present = (await ListChildrenAsync(BlobStates.None, BlobTraits.None, cancellationToken))
            .Select(item => item.Name)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (present.FirstOrDefault(IsResultFile) is { } existing)
        {
            throw new StorageException($"{Location} already holds a model ({existing}); choose another output (--out, or the spec's name under --out-dir) or pass --overwrite");
        }

        if (present.Count > 0)
        {
            var shown = string.Join(", ", present.Take(5)) + (present.Count > 5 ? $" and {present.Count - 5} more" : "");
            throw new StorageException($"{Location} is not empty ({shown}) and holds no FusionCluster output; choose a new or empty --out, or pass --overwrite to publish beside those blobs (blobs of the same names are replaced)");
        }
    }

    /// <param name="reserveSpace">Has no meaning for blobs: staged blocks take space as they are written.</param>
    public async Task PrepareAsync(MergePlan plan, bool reserveSpace, CancellationToken cancellationToken)
    {
        var blockLists = BlockLists(plan);
        try
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"{Location}: creating container '{location.Container}'", e);
        }

        await ForEachAsync(Enumerable.Range(0, plan.Shards.Count), async (i, token) =>
        {
            var shard = plan.Shards[i];
            try
            {
                using var header = new MemoryStream(shard.Header, writable: false);
                await Shard(shard.FileName).StageBlockAsync(blockLists[i][0].Id, header, options: null, token);
            }
            catch (Exception e) when (e is RequestFailedException or AggregateException)
            {
                throw AzureErrors.Wrap($"{location.Describe(shard.FileName)}: staging the header", e);
            }
        }, cancellationToken);
    }

    public TensorWriter OpenTensor(string shardFileName, TensorPlan tensor) =>
        new AzureTensorWriter(Shard(ShardBlocks.CheckShardName(shardFileName)), location.Describe(shardFileName), tensor, jobTag, options);

    public async Task PublishAsync(MergePlan plan, IReadOnlyList<PublishedFile> files, CancellationToken cancellationToken)
    {
        var blockLists = BlockLists(plan);
        var shardNames = plan.Shards.Select(s => s.FileName).ToHashSet(StringComparer.Ordinal);
        var small = files.Select(f => (Name: StorageNames.CheckFileName(f.Name), f.Content)).ToList();
        if (plan.IndexJson is not null)
        {
            small.Add((CheckpointFolder.IndexFileName, Encoding.UTF8.GetBytes(plan.IndexJson)));
        }

        var clash = small.GroupBy(f => f.Name, StringComparer.Ordinal)
            .FirstOrDefault(g => g.Count() > 1 || shardNames.Contains(g.Key) || g.Key == MergeManifest.FileName);
        if (clash is not null)
        {
            throw new StorageException($"{Location}: '{clash.Key}' would be published twice (or clashes with a shard or the manifest)");
        }

        // 1. Every unit's blocks are there: checked for all shards before anything becomes visible.
        await ForEachAsync(Enumerable.Range(0, plan.Shards.Count), async (i, token) => await VerifyStagedAsync(plan.Shards[i], blockLists[i], token), cancellationToken);

        // 2. A result being overwritten stops looking complete before any of its files change.
        var previous = await PreviousOutputAsync(cancellationToken);
        await DeleteIfExistsAsync(MergeManifest.FileName, cancellationToken);

        // 3. The earlier result goes as a whole (every blob its manifest lists that this one does not
        // replace: old tokenizer files would otherwise sit beside the new ones); other blobs stay.
        foreach (var stale in previous.Where(name => !shardNames.Contains(name) && !small.Any(f => f.Name == name)))
        {
            await DeleteIfExistsAsync(stale, cancellationToken);
        }

        // 4. Shards: header, then every tensor's parts in offset order.
        await ForEachAsync(Enumerable.Range(0, plan.Shards.Count), async (i, token) => await CommitShardAsync(plan.Shards[i], blockLists[i], token), cancellationToken);

        // 5. Config, tokenizer, report; then the index; the manifest last.
        foreach (var (name, content) in small)
        {
            await UploadAsync(name, content, cancellationToken);
        }

        var manifest = MergeManifest.Build(plan.Shards.Select(s => (s.FileName, s.FileLength)).Concat(small.Select(f => (f.Name, (long)f.Content.Length))));
        await UploadAsync(MergeManifest.FileName, manifest, cancellationToken);
    }

    public async Task DiscardAsync(CancellationToken cancellationToken)
    {
        if (!await ContainerExistsAsync(cancellationToken) || await IsPublishedByThisJobAsync(cancellationToken))
        {
            return;
        }

        var committed = (await ListChildrenAsync(BlobStates.None, BlobTraits.Metadata, cancellationToken)).ToDictionary(i => i.Name, StringComparer.Ordinal);
        var all = await ListChildrenAsync(BlobStates.Uncommitted, BlobTraits.None, cancellationToken);
        foreach (var name in all.Select(i => i.Name).Union(committed.Keys, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var isCommitted = committed.TryGetValue(name, out var item);
            var ours = isCommitted && item.Metadata is { } metadata && metadata.TryGetValue(JobMetadataKey, out var owner) && owner == jobId;
            if (name.EndsWith(".safetensors", StringComparison.Ordinal))
            {
                if (!isCommitted)
                {
                    await DropUncommittedAsync(name, cancellationToken);
                }
                else if (ours)
                {
                    // Committed by an interrupted publish of this job: committing an empty list first also drops any uncommitted blocks.
                    await ClearAndDeleteAsync(name, new BlobRequestConditions { IfMatch = item.Properties.ETag }, cancellationToken);
                }

                // A shard of an earlier result is left alone; blocks this job staged on it expire with the
                // service's garbage collection of uncommitted blocks (a week on Azure).
            }
            else if (ours)
            {
                await DeleteIfExistsAsync(name, cancellationToken, new BlobRequestConditions { IfMatch = item.Properties.ETag });
            }
        }
    }

    private static bool IsResultFile(string name) =>
        name == MergeManifest.FileName || name == CheckpointFolder.IndexFileName || name.EndsWith(".safetensors", StringComparison.Ordinal);

    private List<List<PlannedBlock>> BlockLists(MergePlan plan)
    {
        foreach (var shard in plan.Shards)
        {
            ShardBlocks.CheckShardName(shard.FileName);
        }

        return Enumerable.Range(0, plan.Shards.Count).Select(i => ShardBlocks.For(plan, i, jobTag, options.BlockBytes)).ToList();
    }

    private BlockBlobClient Shard(string fileName) => container.GetBlockBlobClient(location.BlobName(fileName));

    /// <summary>Checks that every planned block of a shard is staged (or, after an interrupted publish, committed) with its planned size.</summary>
    private async Task VerifyStagedAsync(OutputShard shard, List<PlannedBlock> blocks, CancellationToken cancellationToken)
    {
        var path = location.Describe(shard.FileName);
        var uncommitted = new Dictionary<string, long>(StringComparer.Ordinal);
        var committed = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            var staged = (await Shard(shard.FileName).GetBlockListAsync(BlockListTypes.All, cancellationToken: cancellationToken)).Value;
            foreach (var block in staged.UncommittedBlocks ?? [])
            {
                uncommitted[block.Name] = block.SizeLong;
            }

            foreach (var block in staged.CommittedBlocks ?? [])
            {
                committed[block.Name] = block.SizeLong;
            }
        }
        catch (RequestFailedException e) when (AzureErrors.IsNotFound(e))
        {
            // Nothing staged at all; reported below as the header missing.
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"{path}: listing staged blocks", e);
        }

        // "Latest" in a commit takes an uncommitted block, else a committed one with the same ID. A committed
        // block can only be this job's (the ID carries the job), left by an interrupted earlier publish.
        foreach (var block in blocks)
        {
            var found = uncommitted.TryGetValue(block.Id, out var size) || committed.TryGetValue(block.Id, out size);
            var what = block.Tensor is null ? "the header" : $"tensor '{block.Tensor}'" + (block.Parts > 1 ? $" (block {block.Part + 1} of {block.Parts})" : "");
            if (!found)
            {
                throw new StorageException($"{path}: {what} was never staged; did every work unit of job '{jobId}' complete?");
            }

            if (size != block.Bytes)
            {
                throw new StorageException($"{path}: {what} was staged with {size} bytes, the plan has {block.Bytes}");
            }
        }
    }

    private async Task CommitShardAsync(OutputShard shard, List<PlannedBlock> blocks, CancellationToken cancellationToken)
    {
        var path = location.Describe(shard.FileName);
        var blob = Shard(shard.FileName);
        long length;
        try
        {
            await blob.CommitBlockListAsync(
                blocks.Select(b => b.Id),
                new CommitBlockListOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = ShardContentType },
                    Metadata = new Dictionary<string, string> { [JobMetadataKey] = jobId },
                },
                cancellationToken);
            length = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.ContentLength;
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"{path}: committing the block list", e);
        }

        if (length != shard.FileLength)
        {
            throw new StorageException($"{path}: committed {length} bytes, the plan has {shard.FileLength}");
        }
    }

    private async Task UploadAsync(string name, byte[] content, CancellationToken cancellationToken)
    {
        try
        {
            await container.GetBlobClient(location.BlobName(name)).UploadAsync(
                new BinaryData(content),
                new BlobUploadOptions { Metadata = new Dictionary<string, string> { [JobMetadataKey] = jobId } },
                cancellationToken);
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"{location.Describe(name)}: uploading", e);
        }
    }

    /// <summary>
    /// Drops the uncommitted blocks of a blob that was never committed, when they are all this job's:
    /// committing an empty block list discards them (creating an empty blob only if none appeared
    /// meanwhile), and deleting that exact version removes it.
    /// </summary>
    private async Task DropUncommittedAsync(string name, CancellationToken cancellationToken)
    {
        BlockList staged;
        try
        {
            staged = (await Shard(name).GetBlockListAsync(BlockListTypes.All, cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (AzureErrors.IsNotFound(e))
        {
            return;
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"{location.Describe(name)}: listing staged blocks", e);
        }

        var blocks = (staged.UncommittedBlocks ?? []).Concat(staged.CommittedBlocks ?? []).ToList();
        if (blocks.Count > 0 && blocks.All(b => BlockIds.BelongsTo(b.Name, jobTag)))
        {
            await ClearAndDeleteAsync(name, new BlobRequestConditions { IfNoneMatch = ETag.All }, cancellationToken);
        }
    }

    private async Task ClearAndDeleteAsync(string name, BlobRequestConditions conditions, CancellationToken cancellationToken)
    {
        var blob = Shard(name);
        try
        {
            var empty = (await blob.CommitBlockListAsync([], new CommitBlockListOptions { Conditions = conditions }, cancellationToken)).Value;
            await blob.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = empty.ETag }, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            // Gone, or changed by someone else meanwhile: no longer this job's to remove.
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"{location.Describe(name)}: removing staged blocks", e);
        }
    }

    private async Task DeleteIfExistsAsync(string name, CancellationToken cancellationToken, BlobRequestConditions? conditions = null)
    {
        try
        {
            await container.GetBlobClient(location.BlobName(name)).DeleteIfExistsAsync(conditions: conditions, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Already gone, or replaced by someone else.
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"{location.Describe(name)}: deleting", e);
        }
    }

    private async Task<bool> ContainerExistsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await container.ExistsAsync(cancellationToken)).Value;
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"{Location}: checking container '{location.Container}'", e);
        }
    }

    /// <summary>The blobs the manifest already under the prefix lists; none without one, or when it is not a manifest we wrote.</summary>
    private async Task<IReadOnlyList<string>> PreviousOutputAsync(CancellationToken cancellationToken)
    {
        try
        {
            var content = (await container.GetBlobClient(location.BlobName(MergeManifest.FileName)).DownloadContentAsync(cancellationToken)).Value.Content;
            return MergeManifest.Read(content.ToArray(), location.Describe(MergeManifest.FileName)).Select(f => f.Name).ToList();
        }
        catch (RequestFailedException e) when (AzureErrors.IsNotFound(e))
        {
            return [];
        }
        catch (StorageException)
        {
            return [];
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"{location.Describe(MergeManifest.FileName)}: reading the previous manifest", e);
        }
    }

    private async Task<bool> IsPublishedByThisJobAsync(CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await container.GetBlobClient(location.BlobName(MergeManifest.FileName)).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            return properties.Metadata.TryGetValue(JobMetadataKey, out var owner) && owner == jobId;
        }
        catch (RequestFailedException e) when (AzureErrors.IsNotFound(e))
        {
            return false;
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"{location.Describe(MergeManifest.FileName)}: reading properties", e);
        }
    }

    /// <summary>The blobs directly under the prefix, with names relative to it; none when the container does not exist.</summary>
    private async Task<List<(string Name, BlobItemProperties Properties, IDictionary<string, string>? Metadata)>> ListChildrenAsync(
        BlobStates states, BlobTraits traits, CancellationToken cancellationToken)
    {
        var items = new List<(string Name, BlobItemProperties Properties, IDictionary<string, string>? Metadata)>();
        try
        {
            var listing = container.GetBlobsByHierarchyAsync(
                new GetBlobsByHierarchyOptions { Delimiter = "/", Prefix = location.ListingPrefix, States = states, Traits = traits },
                cancellationToken);
            await foreach (var item in listing)
            {
                if (item.IsBlob)
                {
                    items.Add((item.Blob.Name[location.ListingPrefix.Length..], item.Blob.Properties, item.Blob.Metadata));
                }
            }
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return [];
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"{Location}: listing blobs", e);
        }

        return items;
    }

    private Task ForEachAsync(IEnumerable<int> items, Func<int, CancellationToken, ValueTask> body, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = options.MetadataConcurrency, CancellationToken = cancellationToken }, body);
}
