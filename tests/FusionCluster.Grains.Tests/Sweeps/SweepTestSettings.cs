using FusionCluster.Grains.Sweeps;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>
/// What sweep tests change in a silo: the sweep clock is a fake moved by the test, and reminders may
/// tick every second (Orleans' minimum is a minute unless configured) so that real ticks come quickly.
/// </summary>
public static class SweepTestSettings
{
    public static void Apply(ISiloBuilder silo, SweepClock clock)
    {
        silo.Services.AddSingleton(clock);
        silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        silo.Services.Configure<SweepOptions>(o =>
        {
            o.TickPeriod = TimeSpan.FromSeconds(1);
            o.FirstTickDelay = TimeSpan.FromSeconds(1);
            o.PumpInterval = TimeSpan.FromMilliseconds(100);
        });
    }

    /// <summary>Polls until <paramref name="done"/> holds; the deadline only stops a hung test.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the condition did not hold within 90 s; last value: {System.Text.Json.JsonSerializer.Serialize(value)}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
