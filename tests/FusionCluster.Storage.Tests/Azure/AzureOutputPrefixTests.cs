using Azure.Storage.Blobs;
using FusionCluster.Core.Storage;
using FusionCluster.Storage.Azure;
using FusionCluster.Storage.Local;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Azure;

/// <summary>
/// The output rules of local folders, for az:// prefixes on a real Azurite: only an empty prefix without
/// --overwrite; --overwrite removes the previous manifest's blobs and no others; only manifest blobs are
/// listed and opened (issue 10, items 1 and 6).
/// </summary>
public sealed class AzureOutputPrefixTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempFolder temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_prefix_holding_a_users_blob_is_refused_without_overwrite()
    {
        var (container, store) = await SetupAsync("foreign");
        using var harness = new MergeHarness(new LocalFolderStore(), store);
        await Blobs.UploadAsync(container, "out/config.json", "{\"mine\":true}"u8.ToArray());

        var error = await Assert.ThrowsAsync<StorageException>(() => harness.Output($"az://{container.Name}/out", "job").CheckAsync(overwrite: false, Token));

        Assert.Contains("config.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("not empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overwrite_removes_the_previous_manifests_blobs_only_and_only_manifest_blobs_are_listed()
    {
        var (container, store) = await SetupAsync("overwrite-manifest");
        using var harness = new MergeHarness(new LocalFolderStore(), store);
        string[] previous = ["tokenizer.json", "added_tokens.json", "pytorch_model.bin"];
        foreach (var name in previous)
        {
            await Blobs.UploadAsync(container, $"out/{name}", System.Text.Encoding.UTF8.GetBytes(name));
        }

        await Blobs.UploadAsync(container, $"out/{MergeManifest.FileName}", MergeManifest.Build(previous.Select(n => (n, (long)n.Length))));
        await Blobs.UploadAsync(container, "out/notes.txt", "a user's blob"u8.ToArray());
        var output = $"az://{container.Name}/out";
        var plan = await harness.PlanAsync(TestModels.Spec($"az://{container.Name}/in"), "/unused");

        await harness.RunJobAsync(plan, output, "second", overwrite: true);

        var left = await Blobs.ListAsync(container, "out");
        Assert.DoesNotContain(left, name => previous.Any(p => name == $"out/{p}"));
        Assert.Contains("out/notes.txt", left);
        var listed = (await store.ListPublishedAsync(output, Token)).Select(f => f.Name).ToList();
        Assert.Equal(left.Select(n => n["out/".Length..]).Where(n => n != "notes.txt").Order(StringComparer.Ordinal), listed);
        Assert.Null(await store.OpenPublishedAsync(output, "notes.txt", Token));
        await using var config = await store.OpenPublishedAsync(output, "config.json", Token);
        Assert.NotNull(config);
    }

    private async Task<(BlobContainerClient Container, AzureBlobStore Store)> SetupAsync(string purpose)
    {
        TestModels.WriteAll(temp.Path);
        var container = await azurite.NewContainerAsync(purpose);
        foreach (var name in TestModels.Names)
        {
            await Blobs.UploadFolderAsync(container, $"in/{name}", Path.Combine(temp.Path, name));
        }

        return (container, await azurite.StoreAsync());
    }
}
