using FusionCluster.Core.Storage;
using FusionCluster.Storage.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Storage.Tests.Azure;

/// <summary>AddFusionStorage registers the blob store only when Fusion:Storage:Azure is configured, and never echoes secrets.</summary>
public sealed class AzureRegistrationTests
{
    [Fact]
    public void Without_azure_settings_az_locations_get_a_clear_error()
    {
        var stores = Build([]).GetRequiredService<ArtifactStores>();
        var error = Assert.Throws<StorageException>(() => stores.For("az://models/base"));
        Assert.Contains("az:// needs Fusion:Storage:Azure settings", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Build([]).GetServices<IArtifactStore>(), s => s is AzureBlobStore);
    }

    [Fact]
    public void A_connection_string_registers_the_blob_store()
    {
        var provider = Build(new() { ["Fusion:Storage:Azure:ConnectionString"] = "UseDevelopmentStorage=true" });
        var stores = provider.GetRequiredService<ArtifactStores>();
        Assert.IsType<AzureBlobStore>(stores.For("az://models/base"));
        Assert.Equal("az://models/base", stores.Resolve("az://models/base/", "/unused", mustExist: false));
        Assert.Contains(provider.GetServices<IArtifactStore>(), s => s.Handles("/local/path"));
    }

    [Fact]
    public void An_account_url_registers_the_blob_store_with_a_token_credential()
    {
        var stores = Build(new() { ["Fusion:Storage:Azure:AccountUrl"] = "https://example.blob.core.windows.net" }).GetRequiredService<ArtifactStores>();
        Assert.IsType<AzureBlobStore>(stores.For("az://models/base"));
    }

    [Fact]
    public void Bad_settings_fail_without_quoting_secrets()
    {
        var sas = Assert.Throws<StorageException>(() => Build(new() { ["Fusion:Storage:Azure:AccountUrl"] = "https://example.blob.core.windows.net/?sv=2024&sig=SECRETSIGNATURE" }));
        Assert.DoesNotContain("SECRETSIGNATURE", sas.Message, StringComparison.Ordinal);
        var malformed = Assert.Throws<StorageException>(() => Build(new() { ["Fusion:Storage:Azure:ConnectionString"] = "AccountKey=SECRETKEY;garbage" }));
        Assert.DoesNotContain("SECRETKEY", malformed.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddFusionStorage(configuration).BuildServiceProvider();
    }
}
