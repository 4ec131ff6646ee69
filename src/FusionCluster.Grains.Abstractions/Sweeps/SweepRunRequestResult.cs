namespace FusionCluster.Grains.Abstractions.Sweeps;

/// <summary>What a request for a run did: started run <see cref="Run"/>, queued it, or refused (with the reason).</summary>
[GenerateSerializer, Immutable, Alias("fc.SweepRunRequestResult")]
public sealed record SweepRunRequestResult
{
    [Id(0)] public bool Started { get; init; }

    [Id(1)] public bool Queued { get; init; }

    [Id(2)] public int Run { get; init; }

    [Id(3)] public string? Error { get; init; }
}
