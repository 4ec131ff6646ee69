using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Storage.Local;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Local;

/// <summary>
/// Symlinks inside the data roots cannot lead a merge outside them: model folders, their files and the
/// output are resolved, link by link, before the roots check (issue 10, item 2).
/// </summary>
public sealed class LocalFolderStoreSymlinkTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly string root;
    private readonly string outside;

    public LocalFolderStoreSymlinkTests()
    {
        root = temp.Folder("data");
        outside = temp.Folder("outside");
        TestModels.WriteAll(root);
        File.WriteAllText(Path.Combine(outside, "secret.txt"), "not a model file");
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_model_folder_that_links_outside_the_roots_is_refused_naming_it()
    {
        // A whole checkpoint outside the roots, reached through a link inside them.
        TestModels.WriteAll(outside);
        var link = Path.Combine(root, "linked-base");
        Directory.CreateSymbolicLink(link, Path.Combine(outside, "base"));
        var store = new LocalFolderStore([root]);

        var error = Assert.Throws<StorageException>(() => store.Resolve("linked-base", root, mustExist: true));
        Assert.Contains($"'{link}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("is outside the configured data roots", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StorageException>(() => store.OpenCheckpointAsync(link, Token));
    }

    [Fact]
    public async Task An_auxiliary_file_that_links_outside_the_roots_is_refused_naming_it()
    {
        var auxiliary = Path.Combine(root, "base", "generation_config.json");
        File.CreateSymbolicLink(auxiliary, Path.Combine(outside, "secret.txt"));
        var store = new LocalFolderStore([root]);

        var error = await Assert.ThrowsAsync<StorageException>(() => store.OpenCheckpointAsync(Path.Combine(root, "base"), Token));

        Assert.Contains($"'{auxiliary}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("outside the configured data roots", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_roots_an_auxiliary_file_linking_into_proc_is_still_refused()
    {
        var auxiliary = Path.Combine(root, "base", "generation_config.json");
        File.CreateSymbolicLink(auxiliary, "/proc/self/environ");

        var error = await Assert.ThrowsAsync<StorageException>(() => new LocalFolderStore().OpenCheckpointAsync(Path.Combine(root, "base"), Token));

        Assert.Contains($"'{auxiliary}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("/proc/", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Links_whose_targets_stay_inside_the_roots_are_followed()
    {
        // The Hugging Face cache layout: snapshot files are links into a blobs folder of the same root.
        var blobs = Directory.CreateDirectory(Path.Combine(root, "blobs")).FullName;
        File.WriteAllText(Path.Combine(blobs, "generation-config"), "{\"do_sample\": false}");
        File.CreateSymbolicLink(Path.Combine(root, "base", "generation_config.json"), Path.Combine(blobs, "generation-config"));
        Directory.CreateSymbolicLink(Path.Combine(root, "base-alias"), Path.Combine(root, "base"));
        var store = new LocalFolderStore([root]);

        Assert.Equal(Path.Combine(root, "base"), store.Resolve("base-alias", root, mustExist: true));
        using var checkpoint = await store.OpenCheckpointAsync(Path.Combine(root, "base-alias"), Token);
        Assert.Equal("{\"do_sample\": false}", System.Text.Encoding.UTF8.GetString(await checkpoint.ReadAuxiliaryFileAsync("generation_config.json", Token)));
    }

    [Fact]
    public void An_output_folder_that_links_outside_the_roots_is_refused_naming_it()
    {
        var link = Path.Combine(root, "merged");
        Directory.CreateSymbolicLink(link, outside);
        var store = new LocalFolderStore([root]);

        var error = Assert.Throws<StorageException>(() => store.OpenOutput(link, "job"));
        Assert.Contains($"'{link}'", error.Message, StringComparison.Ordinal);
        Assert.Throws<StorageException>(() => store.Resolve("merged", root, mustExist: false));

        // A folder to be created below the link is outside as well.
        Assert.Throws<StorageException>(() => store.Resolve("merged/new", root, mustExist: false));
    }

    [Fact]
    public void Dot_dot_after_a_link_is_taken_from_the_link_target_as_the_kernel_does()
    {
        // root/hop -> outside/deeper; "hop/.." is outside as the kernel sees it, although as text it is root.
        var deeper = Directory.CreateDirectory(Path.Combine(outside, "deeper")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(root, "hop"), deeper);
        var store = new LocalFolderStore([root]);

        Assert.Equal(outside, LocalPath.Resolve(Path.Combine(root, "hop", "..")));
        Assert.Throws<StorageException>(() => store.Resolve("hop/../secret.txt", root, mustExist: false));
    }

    [Fact]
    public void A_link_reached_past_a_missing_folder_and_dot_dot_is_still_followed()
    {
        // .NET opens "missing/../out/secret.txt" as "out/secret.txt" (the text collapsed first), and the kernel then
        // follows the link: the roots check must see the link's target, not stop at the missing folder.
        Directory.CreateSymbolicLink(Path.Combine(root, "out"), outside);
        var store = new LocalFolderStore([root]);

        Assert.Equal(Path.Combine(outside, "secret.txt"), LocalPath.Resolve(Path.Combine(root, "missing", "..", "out", "secret.txt")));
        Assert.Equal(outside, LocalPath.Resolve(Path.Combine(root, "missing", "deeper", "..", "..", "out")));
        Assert.Throws<StorageException>(() => store.Resolve("missing/../out/secret.txt", root, mustExist: false));
        Assert.Throws<StorageException>(() => store.Resolve("missing/../out/new-folder", root, mustExist: false));

        // Past a missing folder with no '..' nothing exists, so the rest is kept as written.
        Assert.Equal(Path.Combine(root, "missing", "out", "x"), LocalPath.Resolve(Path.Combine(root, "missing", "out", ".", "x")));

        // A link back to itself through a missing folder is a loop, refused as one.
        Directory.CreateSymbolicLink(Path.Combine(root, "loop"), "missing/../loop");
        Assert.Contains("symlinks", Assert.Throws<StorageException>(() => LocalPath.Resolve(Path.Combine(root, "loop"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_weight_file_that_links_outside_the_roots_is_refused()
    {
        TestModels.WriteAll(outside);
        var shard = Directory.EnumerateFiles(Path.Combine(root, "ft-1"), "*.safetensors").Order(StringComparer.Ordinal).First();
        File.Delete(shard);
        File.CreateSymbolicLink(shard, Path.Combine(outside, "ft-1", Path.GetFileName(shard)));

        var error = await Assert.ThrowsAsync<StorageException>(() => new LocalFolderStore([root]).OpenCheckpointAsync(Path.Combine(root, "ft-1"), Token));

        Assert.Contains($"'{shard}'", error.Message, StringComparison.Ordinal);
        using var unrestricted = CheckpointFolder.Open(Path.Combine(root, "ft-1"));
        Assert.NotEmpty(unrestricted.TensorNames);
    }
}
