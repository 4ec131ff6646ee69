namespace FusionCluster.Grains.Abstractions;

/// <summary>One log line a silo kept in its in-memory ring (not yet redacted: readers redact before showing it).</summary>
[GenerateSerializer, Immutable, Alias("fc.SiloLogLine")]
public sealed record SiloLogLine
{
    [Id(0)] public required DateTimeOffset At { get; init; }

    /// <summary>Trace, Debug, Information, Warning, Error or Critical.</summary>
    [Id(1)] public required string Level { get; init; }

    [Id(2)] public required string Category { get; init; }

    /// <summary>The formatted message, followed by the exception's type and message when there was one.</summary>
    [Id(3)] public required string Message { get; init; }
}
