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

    [Fact]
    public async Task Work_continued_on_another_thread_after_an_await_runs_on_the_scopes_count_and_leaves_that_thread_as_it_was()
    {
        // The continuation is run inline by the thread that completes the awaited task (no context to post to), one
        // whose count is 3.
        var awaited = new TaskCompletionSource();
        int? continuedOn = null;
        int countInContinuation = 0;
        int otherCountAfter = 0;
        var other = new Thread(() =>
        {
            set_num_threads(3);
            awaited.SetResult();
            otherCountAfter = get_num_threads();
        });

        async Task Work()
        {
            using (TorchThreads.Use(1))
            {
                await awaited.Task.ConfigureAwait(false);
                continuedOn = Environment.CurrentManagedThreadId;
                countInContinuation = get_num_threads();
            }
        }

        set_num_threads(2);
        var running = Work();
        Assert.Equal(2, get_num_threads()); // the scope's own thread, once the work awaits
        other.Start();
        other.Join(); // before awaiting: the test's own continuation must not run inline on the thread it joins
        await running;

        Assert.Equal(other.ManagedThreadId, continuedOn);
        Assert.Equal(1, countInContinuation);
        Assert.Equal(3, otherCountAfter);
    }
}
