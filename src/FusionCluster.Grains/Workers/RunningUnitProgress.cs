namespace FusionCluster.Grains.Workers;

/// <summary>One running unit's entry on the <see cref="UnitProgressBoard"/>; beats come from the unit's own thread.</summary>
public sealed class RunningUnitProgress : IDisposable
{
    private readonly UnitProgressBoard board;
    private readonly TimeProvider time;
    private long lastProgressTicks;

    internal RunningUnitProgress(UnitProgressBoard board, string job, int unit, int attempt, TimeProvider time)
    {
        this.board = board;
        this.time = time;
        Job = job;
        Unit = unit;
        Attempt = attempt;
        lastProgressTicks = time.GetUtcNow().UtcTicks;
    }

    public string Job { get; }

    public int Unit { get; }

    public int Attempt { get; }

    public DateTimeOffset LastProgress => new(Interlocked.Read(ref lastProgressTicks), TimeSpan.Zero);

    /// <summary>The unit made progress now.</summary>
    public void Beat() => Interlocked.Exchange(ref lastProgressTicks, time.GetUtcNow().UtcTicks);

    public void Dispose() => board.Remove(this);
}
