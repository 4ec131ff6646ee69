using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Tests.Storage;

/// <summary>
/// Files that are not model files are refused promptly, naming the path, by the regular-file open and by the hashes
/// that evaluation cache keys take: a character device that seeks but never ends, a FIFO that blocks its reader, a link.
/// Each read runs under a 10 s guard so a regression fails rather than hangs.
/// </summary>
public sealed class LocalFileSpecialFilesTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_character_device_is_not_opened_as_a_regular_file()
    {
        // /dev/zero seeks like a file and reports length 0, so only its type tells it from an empty file.
        var open = Task.Run(() => LocalFile.OpenRegular("/dev/zero", "weight file").Dispose(), TestContext.Current.CancellationToken);

        Assert.Same(open, await Task.WhenAny(open, Task.Delay(Guard, TestContext.Current.CancellationToken)));
        var error = await Assert.ThrowsAsync<StorageException>(() => open);
        Assert.Contains("weight file '/dev/zero'", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a regular file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hashing_a_fifo_is_refused_at_once_naming_it()
    {
        using var temp = new TempDirectory();
        var fifo = temp.Combine("model.safetensors");
        Fifo.Create(fifo);

        var hash = Task.Run(() => new LocalFileHashes(TimeSpan.Zero).Sha256(fifo, "compare folder file"), TestContext.Current.CancellationToken);

        Assert.Same(hash, await Task.WhenAny(hash, Task.Delay(Guard, TestContext.Current.CancellationToken)));
        var error = await Assert.ThrowsAsync<StorageException>(() => hash);
        Assert.Contains($"compare folder file '{fifo}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hashing_a_link_to_dev_zero_is_refused_at_once_naming_it()
    {
        using var temp = new TempDirectory();
        var link = temp.Combine("model.safetensors");
        File.CreateSymbolicLink(link, "/dev/zero");

        var hash = Task.Run(() => new LocalFileHashes(TimeSpan.Zero).Sha256(link, "base folder file"), TestContext.Current.CancellationToken);

        Assert.Same(hash, await Task.WhenAny(hash, Task.Delay(Guard, TestContext.Current.CancellationToken)));
        var error = await Assert.ThrowsAsync<StorageException>(() => hash);
        Assert.Contains($"base folder file '{link}' is a symlink", error.Message, StringComparison.Ordinal);
    }
}
