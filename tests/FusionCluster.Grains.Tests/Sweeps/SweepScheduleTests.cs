using FusionCluster.Client;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Sweeps;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests.Sweeps;

/// <summary>
/// A scheduled sweep on an in-process silo with real reminder ticks and a sweep clock moved by hand:
/// it fires once an occurrence is due, folds missed occurrences into one run, and pause holds it.
/// </summary>
public sealed class SweepScheduleTests : IDisposable
{
    private static readonly DateTimeOffset Monday1030 = new(2026, 1, 5, 10, 30, 0, TimeSpan.Zero);

    private readonly SweepTestModels models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public async Task Real_reminder_ticks_fire_due_runs_once_fold_missed_fires_and_respect_pause()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider(Monday1030);
        await using var cluster = await StartSiloAsync(clock, cancellation);

        var sweep = cluster.Client.GetGrain<ISweepGrain>("hourly");
        var created = await sweep.Create(new SweepDefinition { SpecText = SweepTestModels.HourlySweep, SpecDirectory = models.Folder });
        Assert.Null(created.Error);
        Assert.Equal(Monday1030.AddMinutes(30), created.NextFire);

        // A tick before 11:00 runs nothing.
        var ticked = await SweepTestSettings.EventuallyAsync(sweep.GetStatus, s => s.LastTick is not null, cancellation);
        Assert.Empty(ticked.Runs);

        clock.SetUtcNow(Monday1030.AddMinutes(30.5));
        var fired = await SweepTestSettings.EventuallyAsync(sweep.GetStatus, s => s.Runs.Count == 1 && s.ActiveRun == 0, cancellation);
        var first = Assert.Single(fired.Runs);
        Assert.Equal(SweepRunState.Succeeded, first.State);
        Assert.Equal(SweepTrigger.Schedule, first.Trigger);
        Assert.Equal(Monday1030.AddMinutes(30), first.ScheduledFor);
        Assert.Equal(1, first.Occurrences);
        Assert.Equal(Monday1030.AddMinutes(90), fired.NextFire);

        // 12:00 and 13:00 pass without a tick that saw them due (as when the cluster is down): one run for both.
        clock.SetUtcNow(Monday1030.AddHours(3).AddMinutes(5));
        var caughtUp = await SweepTestSettings.EventuallyAsync(sweep.GetStatus, s => s.Runs.Count == 2 && s.ActiveRun == 0, cancellation);
        var second = caughtUp.Runs[0];
        Assert.Equal(2, second.Number);
        Assert.Equal(Monday1030.AddHours(2).AddMinutes(30), second.ScheduledFor);
        Assert.Equal(2, second.Occurrences);
        Assert.Equal(Monday1030.AddHours(3).AddMinutes(30), caughtUp.NextFire);
        Assert.Equal(2, second.Cached);
        var log = caughtUp.ScheduleLog[0];
        Assert.Equal(("started", 2, 2), (log.Action, log.Run, log.Occurrences));

        // Later ticks with nothing due start nothing more.
        clock.Advance(TimeSpan.FromMinutes(1));
        var later = await SweepTestSettings.EventuallyAsync(sweep.GetStatus, s => s.LastTick == clock.GetUtcNow(), cancellation);
        Assert.Equal(2, later.Runs.Count);

        // Paused, a due occurrence passes unrun; resumed, the next one is counted from now.
        Assert.True((await sweep.Pause()).Paused);
        clock.SetUtcNow(Monday1030.AddHours(4));
        var resumed = await sweep.Resume();
        Assert.Equal(Monday1030.AddHours(4).AddMinutes(30), resumed.NextFire);
        var afterResume = await SweepTestSettings.EventuallyAsync(sweep.GetStatus, s => s.LastTick == clock.GetUtcNow(), cancellation);
        Assert.Equal(2, afterResume.Runs.Count);
        var run = await sweep.GetRun(2);
        Assert.Equal(2, run!.Leaderboard.Count);
        Assert.True(run.Candidates[run.Leaderboard[0]].Objective >= run.Candidates[run.Leaderboard[1]].Objective);
    }

    [Fact]
    public async Task A_new_schedule_takes_effect_from_now_and_a_bad_one_changes_nothing()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider(Monday1030);
        await using var cluster = await StartSiloAsync(clock, cancellation);
        var sweep = cluster.Client.GetGrain<ISweepGrain>("rescheduled");
        Assert.Null((await sweep.Create(new SweepDefinition { SpecText = SweepTestModels.HourlySweep, SpecDirectory = models.Folder })).Error);

        var daily = await sweep.SetSchedule("0 6 * * *", "UTC", queueOverlaps: true);
        Assert.Null(daily.Error);
        Assert.Equal(new DateTimeOffset(2026, 1, 6, 6, 0, 0, TimeSpan.Zero), daily.NextFire);
        Assert.Contains("0 6 * * *", daily.Schedule, StringComparison.Ordinal);

        var bad = await sweep.SetSchedule("every morning", "UTC", queueOverlaps: false);
        Assert.NotNull(bad.Error);
        var kept = await sweep.GetStatus();
        Assert.Equal(daily.NextFire, kept.NextFire);
        Assert.Equal(daily.Schedule, kept.Schedule);

        var none = await sweep.SetSchedule(null, null, queueOverlaps: false);
        Assert.Null(none.Error);
        Assert.Null(none.NextFire);
    }

    /// <summary>One in-process silo with in-memory reminders whose sweeps read time from <paramref name="clock"/>.</summary>
    internal static async Task<InProcessTestCluster> StartSiloAsync(FakeTimeProvider clock, CancellationToken cancellation)
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(FusionStorageNames.Jobs)
                .UseInMemoryReminderService()
                .AddFusionSilo(new WorkerProfile { UnitSlots = 2 });
            SweepTestSettings.Apply(silo, new SweepClock(clock));
        });
        builder.ConfigureClient(client => client.Services.AddFusionSerialization());
        var cluster = builder.Build();
        await cluster.DeployAsync(cancellation);
        return cluster;
    }
}
