using FusionCluster.Core.Execution;

namespace FusionCluster.Core.Tests.Execution;

public sealed class ProcessMemoryTests
{
    // Lines as the kernel writes them in /proc/<pid>/status: a tab, the number right-aligned in eight characters, " kB".
    [Theory]
    [InlineData("VmHWM:\t  734664 kB", 734_664L * 1024)]
    [InlineData("VmHWM:\t10191132 kB", 10_191_132L * 1024)]
    [InlineData("VmHWM:\t123456789 kB", 123_456_789L * 1024)]
    [InlineData("VmHWM:\t       0 kB", 0)]
    public void A_status_line_gives_its_kibibytes_in_bytes_at_any_width(string line, long bytes) =>
        Assert.Equal(bytes, ProcessMemory.StatusLineBytes(line));

    [Theory]
    [InlineData("VmHWM:")]
    [InlineData("VmHWM:\tlots kB")]
    [InlineData("VmHWM:\t12 MB")]
    public void A_line_without_a_kibibyte_count_gives_zero(string line) =>
        Assert.Equal(0, ProcessMemory.StatusLineBytes(line));

    [Fact]
    public void This_processs_peak_counts_memory_it_holds_resident()
    {
        Assert.SkipUnless(File.Exists("/proc/self/status"), "needs Linux /proc");
        // 128 MiB written page by page is resident at once (anonymous memory; these machines have no swap), so the peak is at
        // least that. (Comparing the peak with a resident size read a moment before it failed once in CI: the kernel drops
        // file-backed pages of the process under memory pressure without raising the peak first.)
        var block = GC.AllocateUninitializedArray<byte>(128 << 20);
        for (var i = 0; i < block.Length; i += 4096)
        {
            block[i] = 1;
        }

        var peak = ProcessMemory.PeakResidentBytes();
        GC.KeepAlive(block);

        Assert.True(peak >= block.Length, $"peak {peak} bytes after touching {block.Length}");
    }
}
