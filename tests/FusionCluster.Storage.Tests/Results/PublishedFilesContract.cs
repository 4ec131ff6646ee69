using System.Text;
using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Tests.Results;

/// <summary>
/// What every store must do with <see cref="IArtifactStore.PublishFilesAsync"/> and
/// <see cref="IArtifactStore.ListPublishedFoldersAsync"/>, run against a local folder and a real Azurite alike.
/// </summary>
internal static class PublishedFilesContract
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Publishes two results under <paramref name="root"/>; both are listed and read back byte for byte.</summary>
    public static async Task Published_results_are_listed_and_read_back(IArtifactStore store, string root)
    {
        await store.PublishFilesAsync(Child(root, "mlp-seeds"), Files(("connect.json", "{\"a\":1}"), ("connect.png", "png bytes")), overwrite: false, Token);
        await store.PublishFilesAsync(Child(root, "cnn"), Files(("connect.json", "{\"b\":2}")), overwrite: false, Token);

        Assert.Equal(["cnn", "mlp-seeds"], await store.ListPublishedFoldersAsync(root, Token));
        var listed = await store.ListPublishedAsync(Child(root, "mlp-seeds"), Token);
        Assert.Equal(["connect.json", "connect.png", MergeManifest.FileName], listed.Select(f => f.Name));
        Assert.Equal("{\"a\":1}", await ReadAsync(store, Child(root, "mlp-seeds"), "connect.json"));
        Assert.Equal("png bytes", await ReadAsync(store, Child(root, "mlp-seeds"), "connect.png"));
    }

    /// <summary>A second publish is refused without overwrite; with it, the new files replace the old and a file only the old had is gone.</summary>
    public static async Task A_published_result_is_replaced_only_with_overwrite(IArtifactStore store, string root)
    {
        var location = Child(root, "result");
        await store.PublishFilesAsync(location, Files(("connect.json", "old"), ("connect.png", "old plot")), overwrite: false, Token);

        var refused = await Assert.ThrowsAsync<StorageException>(() => store.PublishFilesAsync(location, Files(("connect.json", "new")), overwrite: false, Token));
        Assert.Contains("already holds a published result", refused.Message, StringComparison.Ordinal);
        Assert.Equal("old", await ReadAsync(store, location, "connect.json"));

        await store.PublishFilesAsync(location, Files(("connect.json", "new")), overwrite: true, Token);
        Assert.Equal("new", await ReadAsync(store, location, "connect.json"));
        Assert.Equal(["connect.json", MergeManifest.FileName], (await store.ListPublishedAsync(location, Token)).Select(f => f.Name));
    }

    /// <summary>Hidden names, the manifest's name and names with folders are refused before anything is written.</summary>
    public static async Task Names_that_are_not_plain_are_refused(IArtifactStore store, string root)
    {
        foreach (var name in new[] { "../escape.json", MergeManifest.FileName, ".hidden", "a/b.json" })
        {
            await Assert.ThrowsAsync<StorageException>(() => store.PublishFilesAsync(Child(root, "bad"), Files((name, "x")), overwrite: false, Token));
        }

        Assert.Empty(await store.ListPublishedFoldersAsync(root, Token));
    }

    public static string Child(string root, string name) => root.Contains("://", StringComparison.Ordinal) ? $"{root}/{name}" : Path.Combine(root, name);

    private static PublishedContent[] Files(params (string Name, string Text)[] files) =>
        [.. files.Select(f => new PublishedContent(f.Name, Encoding.UTF8.GetBytes(f.Text)))];

    private static async Task<string> ReadAsync(IArtifactStore store, string location, string name)
    {
        await using var stream = await store.OpenPublishedAsync(location, name, Token);
        Assert.NotNull(stream);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(Token);
    }
}
