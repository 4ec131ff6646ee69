using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Sweeps;
using FusionCluster.Grains.Tests.Jobs;
using FusionCluster.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.TestingHost;

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

    /// <summary>
    /// Creates the sweep (when a definition is given), runs it, and waits until the run has ended, its record is written
    /// (<paramref name="recordWritten"/> of the run's number) and the older run is forgotten (keep_runs: 1), which the
    /// grain does only once promotion and pruning are done: the run ends in the grain before its files do.
    /// </summary>
    public static async Task<SweepRunDetail> RunToTheEndAsync(ISweepGrain sweep, SweepDefinition? definition, Func<int, Task<bool>> recordWritten, CancellationToken cancellation)
    {
        if (definition is not null)
        {
            Assert.Null((await sweep.Create(definition)).Error);
        }

        var number = (await sweep.GetStatus()).Runs.Select(r => r.Number).DefaultIfEmpty(0).Max() + 1;
        await sweep.Run();
        await EventuallyAsync(
            async () => (await sweep.GetStatus()).Runs is [{ FinishedAt: not null } only] && only.Number == number && await recordWritten(number),
            done => done,
            cancellation);
        return (await sweep.GetRun(number))!;
    }

    /// <summary>One silo with two unit slots whose stores reach <paramref name="azurite"/> (az:// outputs), its sweeps checking their runs every 100 ms.</summary>
    public static Task<InProcessTestCluster> StartWithBlobsAsync(AzuriteProcess azurite) =>
        WorkerCluster.StartAsync(unitSlots: 2, silos: 1, services: s =>
        {
            s.AddFusionStorage(azurite);
            s.Configure<SweepOptions>(o => o.PumpInterval = TimeSpan.FromMilliseconds(100));
        });
}
