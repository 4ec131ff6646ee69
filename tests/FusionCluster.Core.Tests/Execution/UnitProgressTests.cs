using FusionCluster.Core.Execution;

namespace FusionCluster.Core.Tests.Execution;

/// <summary>Beats of a unit's compute loop reach the worker listening to that unit, from any thread the unit uses, and nothing else.</summary>
public sealed class UnitProgressTests
{
    [Fact]
    public async Task Beats_inside_the_work_reach_its_listener_from_tasks_parallel_loops_and_threads()
    {
        var beats = 0;

        var result = await UnitProgress.ListenAsync(() => Interlocked.Increment(ref beats), async () =>
        {
            UnitProgress.Beat();
            await Task.Run(UnitProgress.Beat);
            Parallel.For(0, 10, _ => UnitProgress.Beat());
            var thread = new Thread(UnitProgress.Beat);
            thread.Start();
            thread.Join();
            await Task.Yield();
            UnitProgress.Beat();
            return 42;
        });

        Assert.Equal(42, result);
        Assert.Equal(14, beats);
    }

    [Fact]
    public async Task Beats_outside_the_work_reach_no_listener_and_two_units_hear_only_their_own()
    {
        var first = 0;
        var second = 0;
        UnitProgress.Beat();

        await Task.WhenAll(
            Task.Run(() => UnitProgress.ListenAsync(() => Interlocked.Increment(ref first), async () =>
            {
                for (var i = 0; i < 3; i++)
                {
                    UnitProgress.Beat();
                    await Task.Delay(10);
                }

                return 0;
            })),
            Task.Run(() => UnitProgress.ListenAsync(() => Interlocked.Increment(ref second), async () =>
            {
                for (var i = 0; i < 5; i++)
                {
                    UnitProgress.Beat();
                    await Task.Delay(10);
                }

                return 0;
            })));
        UnitProgress.Beat();

        Assert.Equal((3, 5), (first, second));
    }
}
