namespace FusionCluster.Grains.Abstractions;

/// <summary>One active silo as the overview shows it.</summary>
[GenerateSerializer, Immutable, Alias("fc.SiloInfo")]
public sealed record SiloInfo
{
    [Id(0)] public required string Name { get; init; }

    [Id(1)] public required string Address { get; init; }

    [Id(2)] public string Role { get; init; } = "";

    [Id(3)] public string Device { get; init; } = "";

    [Id(4)] public long MemoryBytes { get; init; }

    [Id(5)] public int Cores { get; init; }

    [Id(6)] public int UnitSlots { get; init; }

    [Id(7)] public int UnitsRunning { get; init; }

    [Id(8)] public int UnitsQueued { get; init; }

    [Id(9)] public long UnitsCompleted { get; init; }

    /// <summary>Input bytes per second merged over the last minute.</summary>
    [Id(10)] public double BytesPerSecond { get; init; }

    [Id(11)] public DateTimeOffset StartedAt { get; init; }
}
