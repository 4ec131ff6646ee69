using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Sweeps;
using FusionCluster.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>
/// A scheduled sweep survives a full restart, Redis included: its definition, run history, next fire
/// time and reminder come back from Redis, and the fires missed while everything was down run once.
/// </summary>
public sealed class SweepRestartTests : IDisposable
{
    private static readonly DateTimeOffset Monday1030 = new(2026, 1, 5, 10, 30, 0, TimeSpan.Zero);

    private readonly SweepTestModels models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public async Task Schedule_and_history_survive_a_full_restart_with_redis_and_missed_fires_run_once()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider(Monday1030);
        await using var redis = await RedisServerProcess.StartAsync(appendOnly: true, cancellationToken: cancellation);

        SweepStatus beforeRestart;
        await using (var silo = await SweepSiloHost.StartAsync(redis.ConnectionString, new SweepClock(clock), cancellation))
        {
            var sweep = silo.Grains.GetGrain<ISweepGrain>("hourly");
            Assert.Null((await sweep.Create(new SweepDefinition { SpecText = SweepTestModels.HourlySweep, SpecDirectory = models.Folder })).Error);
            clock.SetUtcNow(Monday1030.AddMinutes(30.5));
            beforeRestart = await SweepTestSettings.EventuallyAsync(sweep.GetStatus, s => s.Runs.Count == 1 && s.ActiveRun == 0, cancellation);
            Assert.Equal(SweepRunState.Succeeded, beforeRestart.Runs[0].State);
        }

        // Everything is down while 12:00, 13:00 and 14:00 pass; Redis restarts from its files too.
        await redis.RestartAsync(cancellation);
        clock.SetUtcNow(Monday1030.AddHours(3).AddMinutes(40));

        await using (var silo = await SweepSiloHost.StartAsync(redis.ConnectionString, new SweepClock(clock), cancellation))
        {
            var sweep = silo.Grains.GetGrain<ISweepGrain>("hourly");
            var recovered = await SweepTestSettings.EventuallyAsync(sweep.GetStatus, s => s.Runs.Count == 2 && s.ActiveRun == 0, cancellation);

            var rerun = recovered.Runs[0];
            Assert.Equal((2, SweepTrigger.Schedule, SweepRunState.Succeeded), (rerun.Number, rerun.Trigger, rerun.State));
            Assert.Equal(Monday1030.AddHours(3).AddMinutes(30), rerun.ScheduledFor);
            Assert.Equal(3, rerun.Occurrences);
            Assert.Equal(beforeRestart.Runs[0], recovered.Runs[1]);
            Assert.Equal(Monday1030.AddHours(4).AddMinutes(30), recovered.NextFire);

            // The merges published before the restart are reused: same specs, same inputs.
            Assert.Equal(rerun.Candidates, rerun.Cached);

            // So are their evaluations: the cache under the sweep's output outlives the silo, keyed by model content.
            Assert.All((await sweep.GetRun(1))!.Candidates, c => Assert.False(c.EvaluationCached));
            Assert.All((await sweep.GetRun(2))!.Candidates, c => Assert.True(c.EvaluationCached, $"candidate {c.Index} was evaluated again"));

            clock.Advance(TimeSpan.FromMinutes(1));
            var later = await SweepTestSettings.EventuallyAsync(sweep.GetStatus, s => s.LastTick == clock.GetUtcNow(), cancellation);
            Assert.Equal(2, later.Runs.Count);
        }
    }
}
