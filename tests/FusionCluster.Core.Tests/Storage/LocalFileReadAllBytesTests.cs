using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Tests.Storage;

/// <summary>
/// The bounded reader of small files: a file over the limit is refused with the caller's error, carrying the size the
/// open handle reports, before any byte is read; a file at the limit is read whole; a FIFO is refused at once.
/// </summary>
public sealed class LocalFileReadAllBytesTests
{
    [Fact]
    public void A_file_one_byte_over_the_limit_gets_the_callers_error_with_its_size()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("config.json");
        using (var file = File.Create(path))
        {
            // Sparse: 3 GiB that a reader which reads first could not even hold in one array.
            file.SetLength(3L << 30);
        }

        var error = Assert.Throws<InvalidDataException>(() =>
            LocalFile.ReadAllBytes(path, "config", (3L << 30) - 1, length => new InvalidDataException($"{path}: {length} bytes")));

        Assert.Equal($"{path}: {3L << 30} bytes", error.Message);
    }

    [Fact]
    public void A_file_at_the_limit_is_read_whole()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("tokenizer.json");
        byte[] content = [.. Enumerable.Range(0, 1000).Select(i => (byte)(i * 7))];
        File.WriteAllBytes(path, content);

        var read = LocalFile.ReadAllBytes(path, "tokenizer", 1000, _ => new InvalidDataException("over"));

        Assert.Equal(content, read);
    }

    [Fact]
    public async Task A_fifo_is_refused_at_once_naming_it()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("manifest.json");
        Fifo.Create(path);
        var token = TestContext.Current.CancellationToken;

        var read = Task.Run(() => LocalFile.ReadAllBytes(path, "manifest", 1 << 20, _ => new InvalidDataException("over")), token);

        Assert.Same(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10), token)));
        var error = await Assert.ThrowsAsync<StorageException>(() => read);
        Assert.Contains($"manifest '{path}' is not a regular file", error.Message, StringComparison.Ordinal);
    }
}
