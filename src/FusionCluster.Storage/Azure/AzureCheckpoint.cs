using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Azure;

/// <summary>
/// A Hugging Face checkpoint stored as blobs under az://container/prefix: config.json, safetensors
/// weights (model.safetensors, shards with model.safetensors.index.json, or every *.safetensors blob)
/// and tokenizer files. Opening lists the prefix and reads small JSON files and safetensors headers only
/// (ranged GETs); a tensor's bytes are fetched when a unit opens it. Validation and messages follow
/// <see cref="CheckpointFolder"/>, with az:// names in place of paths. Thread-safe.
/// </summary>
public sealed class AzureCheckpoint : ICheckpoint
{
    private readonly BlobContainerClient container;
    private readonly AzureLocation location;
    private readonly AzureBlobStoreOptions options;
    private readonly Dictionary<string, AzureWeightFile> tensorFiles;
    private readonly List<AzureWeightFile> weightFiles;
    private long lastChangeCheck = Environment.TickCount64;
    private volatile bool changed;

    private AzureCheckpoint(
        BlobContainerClient container,
        AzureLocation location,
        AzureBlobStoreOptions options,
        JsonObject? config,
        List<AzureWeightFile> files,
        Dictionary<string, AzureWeightFile> tensorFiles,
        IReadOnlyList<string> auxiliary)
    {
        this.container = container;
        this.location = location;
        this.options = options;
        this.tensorFiles = tensorFiles;
        weightFiles = files;
        Config = config;
        AuxiliaryFiles = auxiliary;
        TensorNames = files.SelectMany(f => f.Tensors).Select(t => t.Name).ToList();
        WeightFiles = files.Select(f => f.Info).ToList();
        WeightFilePaths = files.Select(f => f.Path).ToList();
        WeightFileVersions = files.Select(f => f.Version).ToList();
    }

    /// <summary>
    /// Asks the blob service whether any weight blob has another ETag (or is gone), at most once per
    /// <see cref="AzureBlobStoreOptions.ChangeCheckInterval"/>; a changed answer is final. Reads stay
    /// conditioned on the ETags seen at open either way, so a blob replaced in between fails loudly.
    /// </summary>
    public async ValueTask<bool> HasChangedAsync(CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        if (changed || now - Interlocked.Read(ref lastChangeCheck) < (long)options.ChangeCheckInterval.TotalMilliseconds)
        {
            return changed;
        }

        Interlocked.Exchange(ref lastChangeCheck, now);
        foreach (var file in weightFiles)
        {
            if (!await file.IsCurrentAsync(cancellationToken))
            {
                changed = true;
                break;
            }
        }

        return changed;
    }

    public string Location => location.ToString();

    public JsonObject? Config { get; }

    public IReadOnlyList<string> TensorNames { get; }

    public IReadOnlyList<string> AuxiliaryFiles { get; }

    public IReadOnlyList<WeightFileInfo> WeightFiles { get; }

    public IReadOnlyList<string> WeightFileVersions { get; }

    /// <summary>The az:// names of the weight blobs, in order.</summary>
    public IReadOnlyList<string> WeightFilePaths { get; }

    /// <summary>Lists the location and validates its index and headers; reads no tensor data.</summary>
    /// <exception cref="CheckpointException">Missing weights, a malformed index or header (a <see cref="SafetensorsFormatException"/> naming the blob).</exception>
    /// <exception cref="StorageException">The container or service cannot be reached or read.</exception>
    public static async Task<AzureCheckpoint> OpenAsync(BlobContainerClient container, AzureLocation location, AzureBlobStoreOptions options, CancellationToken cancellationToken)
    {
        var where = location.ToString();
        var children = await ListChildrenAsync(container, location, cancellationToken);
        if (children.Count == 0)
        {
            throw new CheckpointException($"{where}: checkpoint does not exist (no blobs under this prefix)");
        }

        var config = children.ContainsKey(CheckpointFolder.ConfigFileName)
            ? CheckpointJson.ParseConfig(await DownloadListedAsync(container, location, CheckpointFolder.ConfigFileName, options, cancellationToken), location.Describe(CheckpointFolder.ConfigFileName))
            : null;
        var auxiliary = CheckpointFolder.KnownAuxiliaryFileNames.Where(children.ContainsKey).ToList();

        if (children.ContainsKey(CheckpointFolder.IndexFileName))
        {
            var indexPath = location.Describe(CheckpointFolder.IndexFileName);
            var weightMap = CheckpointJson.ParseIndex(await DownloadListedAsync(container, location, CheckpointFolder.IndexFileName, options, cancellationToken), indexPath);
            var shardNames = weightMap.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var shards = new List<(string Name, (long Length, ETag ETag) Blob)>();
            foreach (var shardName in shardNames)
            {
                shards.Add((shardName, await ResolveShardAsync(container, location, children, indexPath, shardName, cancellationToken)));
            }

            var opened = await OpenWeightFilesAsync(container, location, shards, options, cancellationToken);
            var byShard = shardNames.Zip(opened).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
            var tensorFiles = ShardIndex.MapTensors(weightMap, byShard, indexPath, file => file.Header);
            return new AzureCheckpoint(container, location, options, config, opened, tensorFiles, auxiliary);
        }

        List<string> weightNames = children.ContainsKey(CheckpointFolder.SingleFileName)
            ? [CheckpointFolder.SingleFileName]
            // Like mergekit (and CheckpointFolder), accept a prefix of safetensors blobs without an index.
            : children.Keys.Where(n => n.EndsWith(".safetensors", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        if (weightNames.Count == 0)
        {
            var pickled = new[] { "pytorch_model.bin", "pytorch_model.bin.index.json" }.FirstOrDefault(children.ContainsKey);
            var hint = pickled is null ? "" : $" (it has {pickled}; PyTorch pickles are not read, convert them to safetensors)";
            throw new CheckpointException($"{where}: no safetensors weights (expected {CheckpointFolder.SingleFileName} or {CheckpointFolder.IndexFileName}){hint}");
        }

        var weightFiles = await OpenWeightFilesAsync(container, location, weightNames.Select(n => (n, children[n])).ToList(), options, cancellationToken);
        var files = new Dictionary<string, AzureWeightFile>(StringComparer.Ordinal);
        foreach (var file in weightFiles)
        {
            foreach (var entry in file.Tensors)
            {
                if (!files.TryAdd(entry.Name, file))
                {
                    throw new SafetensorsFormatException(file.Path, entry.Name, $"also present in {files[entry.Name].Path}");
                }
            }
        }

        return new AzureCheckpoint(container, location, options, config, weightFiles, files, auxiliary);
    }

    public bool Contains(string name) => tensorFiles.ContainsKey(name);

    /// <summary>The tensor's entry; its DataOffset is absolute within its weight blob.</summary>
    public TensorEntry GetEntry(string name) => FileOf(name).Header.GetEntry(name);

    /// <summary>The az:// name of the weight blob holding a tensor.</summary>
    public string GetFilePath(string name) => FileOf(name).Path;

    /// <summary>Fetches exactly the tensor's bytes (parallel ranged GETs) into a pooled buffer.</summary>
    public async ValueTask<StoredTensor> OpenTensorAsync(string name, CancellationToken cancellationToken)
    {
        var file = FileOf(name);
        var entry = file.Header.GetEntry(name);
        if (entry.ByteLength > Array.MaxLength)
        {
            throw new CheckpointException($"{file.Path}: tensor '{name}' is {entry.ByteLength} bytes; tensors over {Array.MaxLength} bytes cannot be fetched from blob storage into one buffer");
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)entry.ByteLength);
        try
        {
            await file.ReadAsync(entry.DataOffset, buffer.AsMemory(0, (int)entry.ByteLength), name, cancellationToken);
            return new BufferedTensor(entry, buffer, file.Path);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public async ValueTask<byte[]> ReadAuxiliaryFileAsync(string fileName, CancellationToken cancellationToken)
    {
        if (fileName.Length == 0 || fileName is "." or ".." || fileName.Contains('/', StringComparison.Ordinal) || fileName.Contains('\\', StringComparison.Ordinal))
        {
            throw new CheckpointException($"{Location}: no file '{fileName}'");
        }

        return await DownloadSmallAsync(container, location, fileName, options, cancellationToken)
            ?? throw new CheckpointException($"{Location}: no file '{fileName}'");
    }

    /// <summary>Parallel ranged GETs, each conditioned on the ETag seen at open, like tensor reads.</summary>
    public async ValueTask ReadWeightFileAsync(int fileIndex, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fileIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fileIndex, weightFiles.Count);
        var file = weightFiles[fileIndex];
        if (offset < 0 || offset > file.Info.Bytes - destination.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"{file.Path}: bytes [{offset}, {offset + destination.Length}) are outside its {file.Info.Bytes} bytes");
        }

        await file.ReadAsync(offset, destination, tensorName: null, cancellationToken);
    }

    public void Dispose()
    {
        // Nothing is held open: tensors own their buffers, and the HTTP pipeline belongs to the store.
    }

    private AzureWeightFile FileOf(string name) =>
        tensorFiles.TryGetValue(name, out var file)
            ? file
            : throw new KeyNotFoundException($"{Location}: no tensor '{name}'");

    /// <summary>The blobs directly under the prefix (not in sub-"folders"), by name relative to it.</summary>
    private static async Task<Dictionary<string, (long Length, ETag ETag)>> ListChildrenAsync(BlobContainerClient container, AzureLocation location, CancellationToken cancellationToken)
    {
        var children = new Dictionary<string, (long Length, ETag ETag)>(StringComparer.Ordinal);
        try
        {
            await foreach (var item in container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Delimiter = "/", Prefix = location.ListingPrefix }, cancellationToken))
            {
                if (item.IsBlob)
                {
                    children[item.Blob.Name[location.ListingPrefix.Length..]] = (item.Blob.Properties.ContentLength ?? 0, item.Blob.Properties.ETag ?? default);
                }
            }
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            throw new CheckpointException($"{location}: container '{location.Container}' does not exist", e);
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"{location}: listing the checkpoint's blobs", e);
        }

        return children;
    }

    private static async Task<List<AzureWeightFile>> OpenWeightFilesAsync(
        BlobContainerClient container, AzureLocation location, List<(string Name, (long Length, ETag ETag) Blob)> files, AzureBlobStoreOptions options, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(options.MetadataConcurrency);
        var opening = files.Select(async file =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var blob = container.GetBlobClient(location.BlobName(file.Name));
                return await AzureWeightFile.OpenAsync(blob, location.Describe(file.Name), file.Blob.Length, file.Blob.ETag, options, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        // On failure, await reports the first failing file in list order, whichever failed first in time.
        return [.. await Task.WhenAll(opening)];
    }

    private static async Task<(long Length, ETag ETag)> ResolveShardAsync(
        BlobContainerClient container, AzureLocation location, Dictionary<string, (long Length, ETag ETag)> children, string indexPath, string shardName, CancellationToken cancellationToken)
    {
        // The index is untrusted: a shard name must name a blob under the checkpoint's prefix.
        var segments = shardName.Split('/', '\\');
        if (shardName.StartsWith('/') || shardName.Contains('\\', StringComparison.Ordinal) || segments.Contains("..")
            || shardName.Contains('\0', StringComparison.Ordinal) || shardName.Contains(':', StringComparison.Ordinal))
        {
            throw new SafetensorsFormatException(indexPath, null, $"weight_map names shard '{shardName}', which is outside the checkpoint folder");
        }

        try
        {
            StorageNames.CheckRelativePath(shardName, "shard");
        }
        catch (StorageException)
        {
            throw new SafetensorsFormatException(indexPath, null, $"weight_map names shard '{shardName}', which is not a valid blob name inside the checkpoint folder");
        }

        if (children.TryGetValue(shardName, out var listed))
        {
            return listed;
        }

        if (shardName.Contains('/', StringComparison.Ordinal))
        {
            // A shard in a sub-"folder": not in the listing of direct children, so ask for it.
            try
            {
                var found = (await container.GetBlobClient(location.BlobName(shardName)).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
                return (found.ContentLength, found.ETag);
            }
            catch (RequestFailedException e) when (AzureErrors.IsNotFound(e))
            {
                // Reported below.
            }
            catch (Exception e) when (e is RequestFailedException or AggregateException)
            {
                throw AzureErrors.Wrap(location.Describe(shardName), e);
            }
        }

        throw new SafetensorsFormatException(indexPath, null, $"weight_map names shard '{shardName}', which does not exist in {location}");
    }

    /// <summary>Downloads a small blob (config, index, tokenizer file) whole; null when it does not exist.</summary>
    private static async Task<byte[]?> DownloadSmallAsync(BlobContainerClient container, AzureLocation location, string name, AzureBlobStoreOptions options, CancellationToken cancellationToken)
    {
        var path = location.Describe(name);
        BlobDownloadStreamingResult result;
        try
        {
            result = (await container.GetBlobClient(location.BlobName(name)).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (AzureErrors.IsNotFound(e))
        {
            return null;
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"{path}: reading", e);
        }

        using (result)
        {
            var length = result.Details.ContentLength;
            if (length > options.MaxAuxiliaryFileBytes)
            {
                throw new CheckpointException($"{path}: {length} bytes is more than the {options.MaxAuxiliaryFileBytes}-byte limit for a small file");
            }

            var bytes = new byte[length];
            var read = await result.Content.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken);
            return read == bytes.Length
                ? bytes
                : throw new CheckpointException($"{path}: the download ended after {read} of {length} bytes");
        }
    }

    private static async Task<byte[]> DownloadListedAsync(BlobContainerClient container, AzureLocation location, string name, AzureBlobStoreOptions options, CancellationToken cancellationToken) =>
        await DownloadSmallAsync(container, location, name, options, cancellationToken)
        ?? throw new CheckpointException($"{location.Describe(name)}: deleted while the checkpoint was being opened");
}
