using FusionCluster.Grains.Jobs;
using FusionCluster.Grains.Jobs.Scheduling;

namespace FusionCluster.Grains.Tests.Jobs.Scheduling;

/// <summary>Small schedules, silos and a fixed clock for the scheduler's tests.</summary>
public static class SchedulerFixture
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly WorkerSilo SiloA = new("key-a", "silo-a", Slots: 1);

    public static readonly WorkerSilo SiloB = new("key-b", "silo-b", Slots: 1);

    public static JobOptions Options(int maxAttempts = 3, int maxLosses = 10, double queueFactor = 1) => new()
    {
        LeaseDuration = TimeSpan.FromSeconds(30),
        MaxAttempts = maxAttempts,
        MaxLosses = maxLosses,
        QueueFactor = queueFactor,
    };

    /// <summary>One merge phase of <paramref name="count"/> independent units of 100 bytes each.</summary>
    public static JobSchedule Flat(int count) =>
        new(Enumerable.Range(0, count).Select(i => new ScheduledUnit($"u{i}", 100, [])).ToList(), [new JobPhase("merge", Enumerable.Range(0, count).ToList(), [])]);

    public static UnitRecord[] Fresh(int count) => Enumerable.Range(0, count).Select(_ => new UnitRecord()).ToArray();

    public static UnitScheduler Start(JobSchedule schedule, JobOptions? options = null) =>
        new(Fresh(schedule.Units.Count), schedule, options ?? Options());
}
