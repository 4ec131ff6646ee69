namespace FusionCluster.Grains.Abstractions;

/// <summary>
/// One sample of a job's progress, taken by the job while it runs and kept with it (bounded, thinned), so a
/// finished job still shows how fast it went. Bytes include the running units' bytes as their workers read them.
/// </summary>
[GenerateSerializer, Immutable, Alias("fc.JobMetricSample")]
public sealed record JobMetricSample
{
    [Id(0)] public required DateTimeOffset At { get; init; }

    /// <summary>The job's own clock: seconds it has run (pauses while no silo hosted it are not counted).</summary>
    [Id(1)] public required double ElapsedSeconds { get; init; }

    /// <summary>Input bytes read so far: done units' bytes plus what running units have read.</summary>
    [Id(2)] public required long BytesDone { get; init; }

    [Id(3)] public int UnitsRunning { get; init; }

    [Id(4)] public int UnitsDone { get; init; }
}
