using FusionCluster.Dashboard.Security;
using Microsoft.Extensions.Time.Testing;

namespace FusionCluster.Dashboard.Tests.Security;

public sealed class LoginThrottleTests
{
    [Fact]
    public void Five_failures_lock_for_30_seconds_then_each_further_failure_doubles_up_to_15_minutes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var throttle = new LoginThrottle(clock);
        for (var i = 1; i < 5; i++)
        {
            throttle.RecordFailure("lena");
            Assert.Equal(TimeSpan.Zero, throttle.LockedFor("lena"));
        }

        throttle.RecordFailure("lena");
        Assert.Equal(TimeSpan.FromSeconds(30), throttle.LockedFor("lena"));
        Assert.Equal(TimeSpan.Zero, throttle.LockedFor("other"));

        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.Zero, throttle.LockedFor("lena"));
        throttle.RecordFailure("lena");
        Assert.Equal(TimeSpan.FromSeconds(60), throttle.LockedFor("lena"));

        // 30 s * 2^5 = 16 min is past the cap.
        Assert.Equal(TimeSpan.FromSeconds(480), LoginThrottle.LockFor(9));
        Assert.Equal(TimeSpan.FromMinutes(15), LoginThrottle.LockFor(10));
        Assert.Equal(TimeSpan.FromMinutes(15), LoginThrottle.LockFor(500));
    }

    [Fact]
    public void Success_clears_the_count_and_an_hour_without_failures_is_forgotten()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var throttle = new LoginThrottle(clock);
        for (var i = 0; i < 4; i++)
        {
            throttle.RecordFailure("lena");
            throttle.RecordFailure("otto");
        }

        throttle.RecordSuccess("lena");
        throttle.RecordFailure("lena");
        Assert.Equal(TimeSpan.Zero, throttle.LockedFor("lena"));

        clock.Advance(TimeSpan.FromHours(1));
        throttle.RecordFailure("otto");
        Assert.Equal(TimeSpan.Zero, throttle.LockedFor("otto"));
    }
}
