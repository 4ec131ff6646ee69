namespace FusionCluster.Silo.Health;

/// <summary>Fusion:Silo:Health: how often the liveness watchdog beats and how old a beat may get.</summary>
public sealed class SiloHealthOptions
{
    public const string Section = "Fusion:Silo:Health";

    /// <summary>Time between two watchdog grain calls.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>/healthz/live fails once the last successful beat is older than this.</summary>
    public TimeSpan LiveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// /healthz/live fails while a unit running on this silo has made no progress (input bytes, a tensor, a beat
    /// of its compute loop) for longer than this: a hung kernel or read holds its slot and device, and only a
    /// restart frees them. Zero turns the rule off.
    /// </summary>
    public TimeSpan UnitStallTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long /healthz/ready waits for Redis to answer a PING.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Test hook: while this file exists the watchdog skips its beats, as a silo whose scheduler hangs
    /// would, so tests can watch /healthz/live fail without freezing the whole process. Empty: none.
    /// </summary>
    public string? PauseFile { get; set; }
}
