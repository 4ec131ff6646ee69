using System.Diagnostics;

namespace FusionCluster.Cli.Tests.Support;

/// <summary>Waits for a child to be at work in torch: libtorch is loaded when a verb builds its first network.</summary>
public static class TorchProcess
{
    /// <summary>Returns a second after libtorch appears in the child's memory map: past building the network, into the work.</summary>
    public static async Task WaitUntilLoadedAsync(ChildProcess child, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(120);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(child.HasExited, $"{child.Name} exited before it loaded libtorch:\n{child.Tail()}");
            if (Maps(child.Id).Contains("libtorch", StringComparison.Ordinal))
            {
                break;
            }

            Assert.True(waited.Elapsed < limit, $"{child.Name} loaded no libtorch within {limit.TotalSeconds:F0} s:\n{child.Tail()}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        await Task.Delay(1000, TestContext.Current.CancellationToken);
    }

    /// <summary>The child's memory map; empty once it has gone (the next loop reports the exit).</summary>
    private static string Maps(int processId)
    {
        try
        {
            return File.ReadAllText($"/proc/{processId}/maps");
        }
        catch (IOException)
        {
            return "";
        }
    }
}
