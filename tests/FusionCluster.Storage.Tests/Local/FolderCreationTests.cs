using FusionCluster.Core.Storage;
using FusionCluster.Storage.Local;
using FusionCluster.Storage.Tests.Support;

namespace FusionCluster.Storage.Tests.Local;

/// <summary>A folder a command will write is checked before any work: a reason in the tool's words, and no trace left.</summary>
public sealed class FolderCreationTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>/sys and /proc refuse new folders even to root, who passes every permission check of an ordinary folder.</summary>
    private static void SkipUnlessMounted(string folder) =>
        Assert.SkipUnless(Directory.Exists(Path.Combine(folder, "self")) || Directory.Exists(Path.Combine(folder, "kernel")), $"{folder} is not mounted here");

    [Theory]
    [InlineData("/sys/fusion-out", "/sys", "permission denied")]
    [InlineData("/proc/fusion/out", "/proc", "its file system refuses new folders")]
    public void A_folder_that_cannot_be_made_names_where_and_why(string location, string folder, string reason)
    {
        SkipUnlessMounted(folder);

        var error = Assert.Throws<StorageException>(() => FolderCreation.Check(location, "out"));

        Assert.Equal($"out '{location}' cannot be made: no folder can be created in '{folder}' ({reason})", error.Message);
    }

    [Fact]
    public void An_existing_folder_nothing_can_be_written_in_is_refused()
    {
        SkipUnlessMounted("/sys");

        var error = Assert.Throws<StorageException>(() => FolderCreation.Check("/sys", "--out"));

        Assert.Equal("--out '/sys' cannot be written: no folder can be created in it (permission denied)", error.Message);
    }

    [Fact]
    public void A_folder_below_a_file_names_the_file()
    {
        var file = Path.Combine(temp.Path, "notes.txt");
        File.WriteAllText(file, "mine");

        var error = Assert.Throws<StorageException>(() => FolderCreation.Check(Path.Combine(file, "a", "b"), "--out"));

        Assert.Equal($"--out '{Path.Combine(file, "a", "b")}' cannot be made: '{file}' is a file, not a folder", error.Message);
    }

    [Fact]
    public void A_folder_that_can_be_made_passes_and_nothing_is_made()
    {
        var location = Path.Combine(temp.Path, "new", "out");

        FolderCreation.Check(location, "--out");
        FolderCreation.Check(temp.Path, "--out");

        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }
}
