using FusionCluster.Evaluation.Training;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Tests.Training;

[Collection(TorchThreadsCollection.Name)]
public sealed class TorchThreadsTests
{
    [Fact]
    public void A_scope_sets_this_threads_count_and_its_end_restores_the_one_before()
    {
        set_num_threads(2);
        using (TorchThreads.Use(1))
        {
            Assert.Equal(1, get_num_threads());
            var inner = TorchThreads.Use(2);
            Assert.Equal(2, get_num_threads());
            inner.Dispose();
            Assert.Equal(1, get_num_threads());
        }

        Assert.Equal(2, get_num_threads());
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchThreads.Use(0));
    }

    [Fact]
    public void A_scope_sets_its_own_thread_while_another_threads_scope_is_open()
    {
        // libtorch keeps the count per OS thread, so each piece of work must set it where it runs: a process-wide
        // count shared by reference counting set nothing for the second caller, which kept its pool thread's count.
        // A thread's first use copies the count last set by any thread, so this one makes its own first.
        _ = get_num_threads();
        set_num_threads(2);
        var cancellation = TestContext.Current.CancellationToken;
        using var entered = new ManualResetEventSlim();
        using var done = new ManualResetEventSlim();
        var other = new Thread(() =>
        {
            using (TorchThreads.Use(1))
            {
                entered.Set();
                done.Wait(cancellation);
            }
        });
        other.Start();
        try
        {
            entered.Wait(cancellation);
            Assert.Equal(2, get_num_threads());
            using (TorchThreads.Use(1))
            {
                Assert.Equal(1, get_num_threads());
            }

            Assert.Equal(2, get_num_threads());
        }
        finally
        {
            done.Set();
            other.Join();
        }
    }
}
