using FusionCluster.Dashboard.Components;
using Microsoft.Extensions.Time.Testing;

namespace FusionCluster.Dashboard.Tests.Components;

public sealed class LivePageTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_refresh_that_arrives_while_one_runs_is_skipped()
    {
        await using var live = new LivePage(Interval, new FakeTimeProvider());
        await live.RestartAsync();
        var release = new TaskCompletionSource();
        var runs = 0;

        var first = live.RefreshAsync(async _ => { runs++; await release.Task; });
        await live.RefreshAsync(_ => { runs++; return Task.CompletedTask; });
        release.SetResult();
        await first;
        await live.RefreshAsync(_ => { runs++; return Task.CompletedTask; });

        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task Restarting_cancels_the_previous_lifetime_and_stops_its_periodic_refresh()
    {
        var time = new FakeTimeProvider();
        await using var live = new LivePage(Interval, time);
        var first = await live.RestartAsync();
        var ticks = 0;
        var loop = live.RunPeriodicallyAsync(tick => tick(), () => { ticks++; return Task.CompletedTask; }, first);

        for (var expected = 1; expected <= 2; expected++)
        {
            time.Advance(Interval);
            await UntilAsync(() => ticks == expected);
        }

        var second = await live.RestartAsync();
        await loop;
        time.Advance(Interval);

        Assert.Equal(2, ticks);
        Assert.True(first.IsCancellationRequested);
        Assert.False(second.IsCancellationRequested);
        Assert.True(live.IsAlive);
    }

    [Fact]
    public async Task The_periodic_refresh_ends_once_the_page_says_it_is_done()
    {
        var time = new FakeTimeProvider();
        await using var live = new LivePage(Interval, time);
        var token = await live.RestartAsync();
        var ticks = 0;
        var loop = live.RunPeriodicallyAsync(tick => tick(), () => { ticks++; return Task.CompletedTask; }, token, done: () => ticks == 3);

        for (var expected = 1; expected <= 3; expected++)
        {
            time.Advance(Interval);
            await UntilAsync(() => ticks == expected);
        }

        await loop;
        time.Advance(Interval);
        Assert.Equal(3, ticks);
        await live.StopAsync();
        Assert.False(live.IsAlive);
        Assert.Equal(CancellationToken.None, live.Token);
    }

    /// <summary>The timer's continuation runs on the thread pool: each tick is awaited before the clock moves on.</summary>
    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the periodic refresh did not tick");
            await Task.Delay(5, Xunit.TestContext.Current.CancellationToken);
        }
    }
}
