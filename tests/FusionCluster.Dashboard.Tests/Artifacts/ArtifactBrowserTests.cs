using FusionCluster.Dashboard.Artifacts;
using FusionCluster.Dashboard.Security;
using Microsoft.Extensions.Configuration;

namespace FusionCluster.Dashboard.Tests.Artifacts;

public sealed class ArtifactBrowserTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fc-artifacts-").FullName;
    private readonly ArtifactBrowser browser = new(new ConfigurationBuilder().Build(), new SecretRedactor([]));

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task LocalOutput_ListsItsFiles_NotStagingOrDotFiles()
    {
        await File.WriteAllTextAsync(Path.Combine(folder, "config.json"), "{}", Xunit.TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(Path.Combine(folder, "model.safetensors"), new byte[100], Xunit.TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, ".hidden"), "x", Xunit.TestContext.Current.CancellationToken);
        Directory.CreateDirectory(Path.Combine(folder, ".fusion-staging", "job-1"));

        var files = await browser.ListAsync(folder, Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(["config.json", "model.safetensors"], files.Select(f => f.Name));
        Assert.Equal(100, files[1].Bytes);
    }

    [Fact]
    public async Task MissingOutput_IsEmpty()
    {
        Assert.Empty(await browser.ListAsync(Path.Combine(folder, "not-there"), Xunit.TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task OpenRead_ReadsListedFiles_AndRefusesPathsOutsideTheOutput()
    {
        await File.WriteAllTextAsync(Path.Combine(folder, "config.json"), "{\"a\":1}", Xunit.TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(folder)!, "outside.txt"), "secret", Xunit.TestContext.Current.CancellationToken);

        await using (var stream = await browser.OpenReadAsync(folder, "config.json", Xunit.TestContext.Current.CancellationToken))
        {
            Assert.NotNull(stream);
            Assert.Equal("{\"a\":1}", await new StreamReader(stream).ReadToEndAsync(Xunit.TestContext.Current.CancellationToken));
        }

        Assert.Null(await browser.OpenReadAsync(folder, "../outside.txt", Xunit.TestContext.Current.CancellationToken));
        Assert.Null(await browser.OpenReadAsync(folder, "/etc/passwd", Xunit.TestContext.Current.CancellationToken));
        Assert.Null(await browser.OpenReadAsync(folder, "missing.json", Xunit.TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task BlobOutput_WithoutBlobStorage_SaysItIsNotConfigured()
    {
        var error = await Assert.ThrowsAsync<ArtifactException>(() => browser.ListAsync("az://results/merged", Xunit.TestContext.Current.CancellationToken));

        Assert.Contains("no blob storage is configured", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedConnectionString_IsNeverQuoted()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fusion:Storage:Azure:ConnectionString"] = "AccountKey=not-a-connection-string-secret",
        }).Build();
        var withBadSettings = new ArtifactBrowser(configuration, SecretRedactor.FromConfiguration(configuration));

        var error = await Assert.ThrowsAsync<ArtifactException>(() => withBadSettings.ListAsync("az://results/merged", Xunit.TestContext.Current.CancellationToken));

        Assert.DoesNotContain("not-a-connection-string-secret", error.Message, StringComparison.Ordinal);
    }
}
