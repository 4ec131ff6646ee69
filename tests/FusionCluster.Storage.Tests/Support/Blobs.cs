using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace FusionCluster.Storage.Tests.Support;

/// <summary>Arranging and inspecting blobs directly through the SDK, independently of the store under test.</summary>
internal static class Blobs
{
    /// <summary>Uploads every file under <paramref name="folder"/> to prefix/relative-path.</summary>
    public static async Task UploadFolderAsync(BlobContainerClient container, string prefix, string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(folder, file).Replace('\\', '/');
            await using var stream = File.OpenRead(file);
            await container.GetBlobClient($"{prefix}/{relative}").UploadAsync(stream, overwrite: true);
        }
    }

    public static Task UploadAsync(BlobContainerClient container, string name, byte[] bytes) =>
        container.GetBlobClient(name).UploadAsync(new BinaryData(bytes), overwrite: true);

    public static async Task<byte[]> DownloadAsync(BlobContainerClient container, string name) =>
        (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();

    /// <summary>Names of the blobs under <paramref name="prefix"/>; with <paramref name="uncommitted"/> also blobs that only have uncommitted blocks.</summary>
    public static async Task<List<string>> ListAsync(BlobContainerClient container, string prefix, bool uncommitted = false)
    {
        var names = new List<string>();
        var states = uncommitted ? BlobStates.Uncommitted : BlobStates.None;
        await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix.TrimEnd('/') + "/", States = states }))
        {
            names.Add(item.Name);
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }
}
