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
    public void This_process_has_a_peak_at_least_its_current_resident_size()
    {
        Assert.SkipUnless(File.Exists("/proc/self/status"), "needs Linux /proc");
        var resident = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        // The peak only grows until reset, so it is at least the resident size read before it.
        Assert.True(ProcessMemory.StatusLineBytes(resident) > 0);
        Assert.True(ProcessMemory.PeakResidentBytes() >= ProcessMemory.StatusLineBytes(resident));
    }
}
