using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Tests.Storage;

public sealed class LocalFileStampTests
{
    [Fact]
    public void A_stamp_carries_the_size_and_modification_time_dotnet_reports()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("a.bin");
        File.WriteAllBytes(path, new byte[12345]);
        var modified = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(1234567);
        File.SetLastWriteTimeUtc(path, modified);

        var stamp = LocalFileStamp.Of(path)!.Value;

        Assert.Equal(12345, stamp.Bytes);
        Assert.Equal((modified - DateTime.UnixEpoch).Ticks * 100, stamp.ModifiedNanoseconds);
        // Setting the modification time is itself a change: the change time is now, not 2024.
        Assert.InRange(stamp.ChangedNanoseconds, (DateTimeOffset.UtcNow.AddMinutes(-1) - DateTimeOffset.UnixEpoch).Ticks * 100, long.MaxValue);
    }

    [Fact]
    public void A_file_renamed_over_another_has_a_new_inode_and_a_rewrite_in_place_a_new_change_time()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("model.bin");
        File.WriteAllBytes(path, [1, 2, 3]);
        var first = LocalFileStamp.Of(path)!.Value;

        var replacement = temp.Combine("next.bin");
        File.WriteAllBytes(replacement, [4, 5, 6]);
        File.Move(replacement, path, overwrite: true);
        var renamed = LocalFileStamp.Of(path)!.Value;

        Thread.Sleep(20);
        File.WriteAllBytes(path, [7, 8, 9]);
        File.SetLastWriteTimeUtc(path, DateTime.UnixEpoch.AddTicks(renamed.ModifiedNanoseconds / 100));
        var rewritten = LocalFileStamp.Of(path)!.Value;

        Assert.NotEqual(first.Inode, renamed.Inode);
        Assert.Equal(renamed.Inode, rewritten.Inode);
        Assert.Equal(renamed.Bytes, rewritten.Bytes);
        Assert.Equal(renamed.ModifiedNanoseconds / 100, rewritten.ModifiedNanoseconds / 100);
        Assert.True(rewritten.ChangedNanoseconds > renamed.ChangedNanoseconds, "a write and a set modification time left the change time as it was");
    }

    [Fact]
    public void A_missing_file_has_no_stamp()
    {
        using var temp = new TempDirectory();
        Assert.Null(LocalFileStamp.Of(temp.Combine("missing.bin")));
    }
}
