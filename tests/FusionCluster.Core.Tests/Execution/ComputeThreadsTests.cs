using System.Collections.Concurrent;
using FusionCluster.Core.Execution;

namespace FusionCluster.Core.Tests.Execution;

public sealed class ComputeThreadsTests
{
    [Fact]
    public async Task A_loop_called_from_a_pool_thread_runs_its_other_pieces_off_the_pool_and_every_piece_once()
    {
        // Called from a pool thread, as a unit's code is: the caller runs pieces itself, no other pool thread runs any.
        var (caller, pieces) = await Task.Run(() =>
        {
            var ran = new ConcurrentBag<(int Index, int Thread, bool OnPool)>();
            Parallel.For(0, 2000, ComputeThreads.Shared.Loop, i =>
            {
                ran.Add((i, Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread));
                Thread.SpinWait(20_000);
            });
            return (Environment.CurrentManagedThreadId, ran);
        }, TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Range(0, 2000), pieces.Select(p => p.Index).Order());
        Assert.All(pieces.Where(p => p.OnPool), p => Assert.Equal(caller, p.Thread));
        if (Environment.ProcessorCount > 1)
        {
            Assert.Contains(pieces, p => !p.OnPool);
        }
    }

    [Fact]
    public async Task Long_work_runs_on_a_thread_outside_the_pool_and_may_wait_on_the_pool()
    {
        var (onPool, value) = await ComputeThreads.RunAsync(
            () => (Thread.CurrentThread.IsThreadPoolThread, Task.Run(async () => { await Task.Yield(); return 42; }).GetAwaiter().GetResult()),
            TestContext.Current.CancellationToken);

        Assert.False(onPool);
        Assert.Equal(42, value);
    }
}
