using Azure.Core;
using Azure.Storage.Blobs;
using FusionCluster.Storage.Azure;
using FusionCluster.TestSupport;

[assembly: AssemblyFixture(typeof(FusionCluster.Storage.Tests.Support.AzuriteFixture))]

namespace FusionCluster.Storage.Tests.Support;

/// <summary>
/// One real Azurite blob service for the whole test assembly, started on first use (tests that do not
/// need it never start it). Each test works in containers of its own. When Azurite is not installed the
/// tests that need it fail with a message saying how to install it; they are never skipped.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private AzuriteProcess? azurite;
    private int containers;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async Task<AzuriteProcess> GetAsync()
    {
        await gate.WaitAsync();
        try
        {
            if (azurite is null)
            {
                try
                {
                    azurite = await AzuriteProcess.StartAsync(inMemory: false);
                }
                catch (MissingLocalToolException e)
                {
                    throw new InvalidOperationException($"the Azure blob store tests need Azurite: {e.Message}. Run ./test.sh once (it installs Azurite under .fusion-local/tools).", e);
                }
            }

            return azurite;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A store on the Azurite account; <paramref name="recorder"/> sees every request it sends.</summary>
    public async Task<AzureBlobStore> StoreAsync(AzureBlobStoreOptions? options = null, RequestRecorder? recorder = null)
    {
        var process = await GetAsync();
        var clientOptions = new BlobClientOptions();
        if (recorder is not null)
        {
            clientOptions.AddPolicy(recorder, HttpPipelinePosition.PerCall);
        }

        return AzureBlobStore.FromConnectionString(process.ConnectionString, options, clientOptions);
    }

    /// <summary>A client for the account, for tests that arrange or inspect blobs directly.</summary>
    public async Task<BlobServiceClient> ServiceAsync() => (await GetAsync()).CreateServiceClient();

    /// <summary>A new, empty container with a name no other test uses.</summary>
    public async Task<BlobContainerClient> NewContainerAsync(string purpose)
    {
        var name = $"{purpose}-{Interlocked.Increment(ref containers)}-{Guid.NewGuid():N}";
        name = name[..Math.Min(name.Length, 40)];
        var container = (await ServiceAsync()).GetBlobContainerClient(name);
        await container.CreateAsync();
        return container;
    }

    public async ValueTask DisposeAsync()
    {
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }

        gate.Dispose();
    }
}
