using FusionCluster.Grains.Resources;

namespace FusionCluster.Grains.Tests.Resources;

public sealed class NvmlGpuProbeTests
{
    [Theory]
    [InlineData(null, 4, new[] { 0, 1, 2, 3 })]
    [InlineData("1,3", 4, new[] { 1, 3 })]
    [InlineData(" 2 ", 4, new[] { 2 })]
    [InlineData("GPU-8e1a7c2f-0000", 2, new[] { 0, 1 })]
    [InlineData("0,5", 2, new[] { 0 })]
    public void Cuda_visible_devices_narrows_the_gpus_read(string? value, int count, int[] expected)
    {
        Assert.Equal(expected, NvmlGpuProbe.Visible(value, count));
    }
}
