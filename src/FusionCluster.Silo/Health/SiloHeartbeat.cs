namespace FusionCluster.Silo.Health;

/// <summary>When the silo last proved that its scheduler runs grain calls; the watchdog writes it, /healthz/live reads it.</summary>
public sealed class SiloHeartbeat(TimeProvider time)
{
    private long lastBeatTicks = time.GetUtcNow().UtcTicks;

    public DateTimeOffset LastBeat => new(Interlocked.Read(ref lastBeatTicks), TimeSpan.Zero);

    public void Beat() => Interlocked.Exchange(ref lastBeatTicks, time.GetUtcNow().UtcTicks);

    public TimeSpan Age => time.GetUtcNow() - LastBeat;
}
