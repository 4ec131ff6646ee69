using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Tests.Storage;

public sealed class LocalRootsIncludingTests
{
    [Fact]
    public void A_scratch_folder_joins_configured_roots_and_leaves_no_roots_unrestricted()
    {
        using var data = new TempDirectory();
        using var scratch = new TempDirectory();
        var roots = new LocalRoots([data.Path]).Including(scratch.Path);

        Assert.Equal(Path.Combine(scratch.Path, "model"), roots.Check(Path.Combine(scratch.Path, "model"), "model folder"));
        Assert.Equal(Path.Combine(data.Path, "model"), roots.Check(Path.Combine(data.Path, "model"), "model folder"));
        Assert.Throws<StorageException>(() => roots.Check("/etc", "model folder"));
        Assert.Empty(LocalRoots.Anywhere.Including(scratch.Path).Folders);
    }
}
