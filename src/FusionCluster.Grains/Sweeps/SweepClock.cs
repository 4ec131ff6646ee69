namespace FusionCluster.Grains.Sweeps;

/// <summary>
/// The clock sweeps read their schedules by. Its own type rather than the container's TimeProvider, so
/// tests can move sweep time by hand without moving Orleans' own timers and reminders with it.
/// </summary>
public sealed class SweepClock(TimeProvider time)
{
    public TimeProvider Time => time;

    public DateTimeOffset Now => time.GetUtcNow();
}
