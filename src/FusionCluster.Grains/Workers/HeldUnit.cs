namespace FusionCluster.Grains.Workers;

/// <summary>One unit attempt a worker holds, queued or running.</summary>
internal sealed class HeldUnit(int attempt, CancellationTokenSource cancellation)
{
    /// <summary>Input bytes consumed so far; written by the running unit, read by heartbeats.</summary>
    public long BytesDone;

    public int Attempt { get; } = attempt;

    public CancellationTokenSource Cancellation { get; } = cancellation;

    public Task Run { get; set; } = Task.CompletedTask;
}
