namespace FusionCluster.TestSupport.Tests;

public sealed class FreePortTests
{
    [Fact]
    public void No_port_is_handed_out_twice_though_the_kernel_offers_closed_ports_again()
    {
        // Asking the kernel 2,000 times for a free port gave about 140 repeats on the development machine.
        var ports = Enumerable.Range(0, 2000).Select(_ => FreePort.Next()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
    }
}
