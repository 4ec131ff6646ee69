using FusionCluster.Core.Storage;
using FusionCluster.Storage.Local;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Results;

/// <summary>
/// --overwrite of a connect or benchmark result reads the previous manifest only as a regular file in the folder and
/// removes only the regular files it names there: a manifest that is a FIFO or a link is refused promptly, naming it,
/// with nothing removed; a link or FIFO of a listed name stays; a manifest naming a path outside removes nothing outside.
/// </summary>
public sealed class LocalPublishedFilesOverwriteTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private readonly TempFolder temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_manifest_that_is_a_fifo_is_refused_at_once_naming_it()
    {
        var folder = temp.Folder("results/run");
        var manifest = Path.Combine(folder, MergeManifest.FileName);
        Fifo.Create(manifest);
        File.WriteAllText(Path.Combine(folder, "connect.json"), "previous");

        var error = await PublishWithinGuard(folder);

        Assert.Contains($"'{manifest}'", error.Message, StringComparison.Ordinal);
        Assert.Equal("previous", File.ReadAllText(Path.Combine(folder, "connect.json")));
    }

    [Fact]
    public async Task A_manifest_that_links_elsewhere_is_not_read_and_nothing_it_names_is_removed()
    {
        var folder = temp.Folder("results/run");
        var manifest = Path.Combine(folder, MergeManifest.FileName);
        var elsewhere = temp.File("someone-elses-manifest.json");
        File.WriteAllBytes(elsewhere, MergeManifest.Build([("notes.txt", 5)]));
        File.CreateSymbolicLink(manifest, elsewhere);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine!");

        var error = await PublishWithinGuard(folder);

        Assert.Contains($"'{manifest}' is a symlink", error.Message, StringComparison.Ordinal);
        Assert.Equal("mine!", File.ReadAllText(Path.Combine(folder, "notes.txt")));
        Assert.Equal(MergeManifest.Build([("notes.txt", 5)]), File.ReadAllBytes(elsewhere));
    }

    [Fact]
    public async Task Only_regular_files_the_manifest_lists_are_removed_not_links_or_fifos_of_those_names()
    {
        var folder = temp.Folder("results/run");
        var target = temp.File("target.txt");
        File.WriteAllText(target, "keep me");
        File.WriteAllText(Path.Combine(folder, "old.json"), "old");
        File.CreateSymbolicLink(Path.Combine(folder, "link.json"), target);
        Fifo.Create(Path.Combine(folder, "pipe.json"));
        File.WriteAllBytes(Path.Combine(folder, MergeManifest.FileName), MergeManifest.Build([("old.json", 3), ("link.json", 7), ("pipe.json", 0)]));

        var publish = new LocalFolderStore().PublishFilesAsync(folder, [new PublishedContent("connect.json", "{}"u8.ToArray())], overwrite: true, Token);
        Assert.Same(publish, await Task.WhenAny(publish, Task.Delay(Guard, Token)));
        await publish;

        Assert.False(File.Exists(Path.Combine(folder, "old.json")));
        Assert.True(LocalPath.IsLink(Path.Combine(folder, "link.json")));
        Assert.True(File.Exists(Path.Combine(folder, "pipe.json")));
        Assert.Equal("keep me", File.ReadAllText(target));
        Assert.Equal("{}", File.ReadAllText(Path.Combine(folder, "connect.json")));
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("/ABSOLUTE")]
    public async Task A_manifest_naming_a_path_outside_the_folder_removes_nothing_outside(string listed)
    {
        // Guards the rule, which the manifest reader already enforced before: a name must be a plain file name.
        var folder = temp.Folder("results/run");
        var outside = temp.File("outside.txt");
        byte[] bytes = [1, 2, 3, 0, 255];
        File.WriteAllBytes(outside, bytes);
        var name = listed.Replace("/ABSOLUTE", outside, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(folder, MergeManifest.FileName), $$"""{"format": "fusioncluster-merge/1", "files": [{"name": "{{name}}", "bytes": 5}]}""");

        var error = await PublishWithinGuard(folder);

        Assert.Contains($"{Path.Combine(folder, MergeManifest.FileName)}: lists '{name}'", error.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(outside));
    }

    [Fact]
    public async Task A_manifest_larger_than_any_manifest_is_refused_unread_and_nothing_is_removed()
    {
        var folder = temp.Folder("results/run");
        var manifest = Path.Combine(folder, MergeManifest.FileName);
        using (var file = File.Create(manifest))
        {
            file.SetLength(MergeManifest.MaxBytes + 1);
        }

        File.WriteAllText(Path.Combine(folder, "connect.json"), "previous");

        var error = await PublishWithinGuard(folder);

        Assert.Contains($"previous manifest '{manifest}' is {MergeManifest.MaxBytes + 1} bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal("previous", File.ReadAllText(Path.Combine(folder, "connect.json")));
    }

    [Fact]
    public async Task A_folder_where_a_new_file_goes_is_refused_before_the_previous_result_is_touched()
    {
        var folder = temp.Folder("results/run");
        var previousManifest = MergeManifest.Build([("old.json", 3), ("plot.png", 3)]);
        File.WriteAllText(Path.Combine(folder, "old.json"), "old");
        File.WriteAllText(Path.Combine(folder, "plot.png"), "png");
        File.WriteAllBytes(Path.Combine(folder, MergeManifest.FileName), previousManifest);
        Directory.CreateDirectory(Path.Combine(folder, "connect.json"));

        var error = await PublishWithinGuard(folder);

        // Before the check, the old manifest and old.json went first and the move onto the folder then failed.
        Assert.Contains($"'{Path.Combine(folder, "connect.json")}' is a folder where this output publishes its file 'connect.json'", error.Message, StringComparison.Ordinal);
        Assert.Equal(previousManifest, File.ReadAllBytes(Path.Combine(folder, MergeManifest.FileName)));
        Assert.Equal("old", File.ReadAllText(Path.Combine(folder, "old.json")));
        Assert.Equal("png", File.ReadAllText(Path.Combine(folder, "plot.png")));
    }

    private static async Task<StorageException> PublishWithinGuard(string folder)
    {
        var publish = new LocalFolderStore().PublishFilesAsync(folder, [new PublishedContent("connect.json", "{}"u8.ToArray())], overwrite: true, Token);
        Assert.Same(publish, await Task.WhenAny(publish, Task.Delay(Guard, Token)));
        return await Assert.ThrowsAsync<StorageException>(() => publish);
    }
}
