using System.Text.Json;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Tests.Storage;

/// <summary>A manifest lists its files by name in ordinal order, and none is written that its readers would refuse.</summary>
public sealed class MergeManifestTests
{
    [Fact]
    public void A_manifest_lists_its_files_sorted_by_name_and_reads_back()
    {
        var bytes = MergeManifest.Build([("model-00002.safetensors", 20), ("config.json", 3), ("model-00001.safetensors", 10)]);

        var names = JsonDocument.Parse(bytes).RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        Assert.Equal(["config.json", "model-00001.safetensors", "model-00002.safetensors"], names);
        Assert.Equal([3L, 10L, 20L], MergeManifest.Read(bytes, "test").Select(f => f.Bytes));
    }

    [Fact]
    public void A_manifest_larger_than_its_readers_take_is_not_built()
    {
        // Names of 100 characters make each entry about 150 bytes: 150,000 of them are about 22 MB, over 16 MiB.
        var files = Enumerable.Range(0, 150_000).Select(i => ($"{i:D8}".PadRight(100, 'x'), 1L)).ToList();

        var error = Assert.Throws<StorageException>(() => MergeManifest.Build(files));

        Assert.Contains("a manifest of 150000 files", error.Message, StringComparison.Ordinal);
        Assert.Contains($"more than the {16 << 20} bytes", error.Message, StringComparison.Ordinal);
    }
}
