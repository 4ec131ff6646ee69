using System.Security.Cryptography;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Tests.Storage;

public sealed class LocalFileHashesTests
{
    [Fact]
    public void An_unchanged_file_is_read_once_and_hashes_as_sha256_of_its_bytes()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("weights.bin");
        var bytes = Enumerable.Range(0, 3 << 20).Select(i => (byte)(i * 7)).ToArray();
        File.WriteAllBytes(path, bytes);
        var hashes = new LocalFileHashes(TimeSpan.Zero);

        var first = hashes.Sha256(path);
        var second = hashes.Sha256(temp.Combine(".", "weights.bin"));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), first);
        Assert.Equal(first, second);
        Assert.Equal(1, hashes.FilesRead);
    }

    [Fact]
    public void A_file_rewritten_in_place_with_its_size_and_modification_time_kept_is_read_again()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("weights.bin");
        File.WriteAllBytes(path, [1, 2, 3, 4]);
        // A whole number of ticks, so that setting it again restores the nanoseconds exactly.
        var modified = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, modified);
        var hashes = new LocalFileHashes(TimeSpan.Zero);
        var before = hashes.Sha256(path);

        // What `cp -p` of another file of the same size does: new bytes, the old modification time.
        Thread.Sleep(20);
        File.WriteAllBytes(path, [5, 6, 7, 8]);
        File.SetLastWriteTimeUtc(path, modified);

        Assert.NotEqual(before, hashes.Sha256(path));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(new byte[] { 5, 6, 7, 8 })), hashes.Sha256(path));
        Assert.Equal(2, hashes.FilesRead);
    }

    [Fact]
    public void A_file_changed_within_the_settle_time_is_hashed_but_not_remembered()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("weights.bin");
        File.WriteAllBytes(path, [1, 2, 3]);
        var hashes = new LocalFileHashes(TimeSpan.FromMinutes(1));

        hashes.Sha256(path);
        hashes.Sha256(path);

        Assert.Equal(2, hashes.FilesRead);
    }

    [Fact]
    public void Past_its_capacity_the_memo_starts_again_empty()
    {
        using var temp = new TempDirectory();
        var paths = Enumerable.Range(0, 3).Select(i => temp.Combine($"{i}.bin")).ToList();
        paths.ForEach(p => File.WriteAllBytes(p, [1]));
        var hashes = new LocalFileHashes(TimeSpan.Zero, capacity: 2);

        hashes.Sha256(paths[0]);
        hashes.Sha256(paths[1]);
        hashes.Sha256(paths[0]);
        Assert.Equal(2, hashes.FilesRead);

        // A third file does not fit: the memo is cleared and holds only it.
        hashes.Sha256(paths[2]);
        hashes.Sha256(paths[2]);
        hashes.Sha256(paths[0]);
        Assert.Equal(4, hashes.FilesRead);
    }
}
