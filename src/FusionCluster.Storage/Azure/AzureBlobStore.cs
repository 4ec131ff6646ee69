using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Azure;

/// <summary>
/// Models and merges in Azure Blob Storage (or Azurite), at locations <c>az://container/prefix</c> of one
/// configured account. Inputs are read with ranged GETs; outputs are staged as blocks on their final blob
/// names and committed when the job publishes.
/// </summary>
public sealed class AzureBlobStore : IArtifactStore
{
    private readonly BlobServiceClient service;
    private readonly AzureBlobStoreOptions options;

    public AzureBlobStore(BlobServiceClient service, AzureBlobStoreOptions? options = null)
    {
        this.service = service ?? throw new ArgumentNullException(nameof(service));
        this.options = (options ?? new AzureBlobStoreOptions()).Validate();
    }

    /// <summary>A store for the account of a connection string. The message of a malformed one never quotes it.</summary>
    public static AzureBlobStore FromConnectionString(string connectionString, AzureBlobStoreOptions? options = null, BlobClientOptions? clientOptions = null)
    {
        BlobServiceClient service;
        try
        {
            service = new BlobServiceClient(connectionString, clientOptions);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // The inner exception is dropped on purpose: parser messages may quote parts of the string.
            throw new StorageException("the Azure Storage connection string (Fusion:Storage:Azure:ConnectionString) is malformed");
        }

        return new AzureBlobStore(service, options);
    }

    /// <summary>A store for an account URL (https://account.blob.core.windows.net) authenticated with <paramref name="credential"/>.</summary>
    public static AzureBlobStore FromAccountUrl(Uri accountUrl, TokenCredential credential, AzureBlobStoreOptions? options = null, BlobClientOptions? clientOptions = null) =>
        new(new BlobServiceClient(accountUrl, credential, clientOptions), options);

    public bool Handles(string location) => AzureLocation.IsAzure(location);

    public string Resolve(string location, string baseDirectory, bool mustExist)
    {
        var parsed = AzureLocation.Parse(location);
        if (!mustExist)
        {
            return parsed.ToString();
        }

        try
        {
            var listing = service.GetBlobContainerClient(parsed.Container)
                .GetBlobsByHierarchy(new GetBlobsByHierarchyOptions { Delimiter = "/", Prefix = parsed.ListingPrefix });
            foreach (var item in listing)
            {
                var name = item.IsBlob ? item.Blob.Name[parsed.ListingPrefix.Length..] : null;
                if (name is CheckpointFolder.ConfigFileName || (name?.EndsWith(".safetensors", StringComparison.Ordinal) ?? false))
                {
                    return parsed.ToString();
                }
            }
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            throw new StorageException($"'{parsed}': container '{parsed.Container}' does not exist", e);
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"'{parsed}'", e);
        }

        throw new StorageException($"'{parsed}': no checkpoint there (no config.json or .safetensors blobs under this prefix)");
    }

    public async Task<ICheckpoint> OpenCheckpointAsync(string location, CancellationToken cancellationToken)
    {
        var parsed = AzureLocation.Parse(location);
        return await AzureCheckpoint.OpenAsync(service.GetBlobContainerClient(parsed.Container), parsed, options, cancellationToken);
    }

    public IMergeOutput OpenOutput(string location, string jobId)
    {
        var parsed = AzureLocation.Parse(location);
        return new AzureMergeOutput(service.GetBlobContainerClient(parsed.Container), parsed, jobId, options);
    }

    public Task<IReadOnlyList<PublishedArtifact>> ListPublishedAsync(string location, CancellationToken cancellationToken) =>
        Published(location).ListAsync(cancellationToken);

    public Task<Stream?> OpenPublishedAsync(string location, string name, CancellationToken cancellationToken) =>
        Published(location).OpenAsync(name, cancellationToken);

    public Task PublishFilesAsync(string location, IReadOnlyList<PublishedContent> files, bool overwrite, CancellationToken cancellationToken) =>
        Publisher(location).PublishAsync(files, overwrite, cancellationToken);

    public Task<IReadOnlyList<string>> ListPublishedFoldersAsync(string location, CancellationToken cancellationToken) =>
        Publisher(location).ListFoldersAsync(cancellationToken);

    public ISweepOutput OpenSweepOutput(string location)
    {
        var parsed = AzureLocation.Parse(location);
        return new AzureSweepOutput(service.GetBlobContainerClient(parsed.Container), parsed);
    }

    private AzureFilePublisher Publisher(string location)
    {
        var parsed = AzureLocation.Parse(location);
        return new AzureFilePublisher(service.GetBlobContainerClient(parsed.Container), parsed);
    }

    private AzurePublishedFiles Published(string location)
    {
        var parsed = AzureLocation.Parse(location);
        return new AzurePublishedFiles(service.GetBlobContainerClient(parsed.Container), parsed);
    }
}
