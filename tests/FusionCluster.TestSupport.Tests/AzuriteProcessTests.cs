using System.Text;
using FusionCluster.TestSupport;

namespace FusionCluster.TestSupport.Tests;

public sealed class AzuriteProcessTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Serves_blob_upload_and_download(bool inMemory)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var azurite = await AzuriteProcess.StartAsync(inMemory, cancellationToken);

        Assert.Contains($"BlobEndpoint=http://127.0.0.1:{azurite.Port}/devstoreaccount1;", azurite.ConnectionString, StringComparison.Ordinal);
        var container = azurite.CreateServiceClient().GetBlobContainerClient("models");
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var payload = Encoding.UTF8.GetBytes("safetensors bytes");
        await container.GetBlobClient("base/model.safetensors").UploadAsync(new BinaryData(payload), cancellationToken);

        var downloaded = await container.GetBlobClient("base/model.safetensors").DownloadContentAsync(cancellationToken);

        Assert.Equal(payload, downloaded.Value.Content.ToArray());
    }
}
