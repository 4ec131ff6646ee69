using FusionCluster.Core.Execution;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Jobs;

/// <summary>The persisted state of one unit of a job.</summary>
[GenerateSerializer, Alias("fc.UnitRecord")]
public sealed class UnitRecord
{
    [Id(0)] public UnitState State { get; set; }

    /// <summary>Attempts dispatched so far; the current attempt's number.</summary>
    [Id(1)] public int Attempt { get; set; }

    [Id(2)] public int Failures { get; set; }

    [Id(3)] public int Losses { get; set; }

    [Id(4)] public string? SiloKey { get; set; }

    [Id(5)] public string? SiloName { get; set; }

    [Id(6)] public DateTimeOffset LeaseExpires { get; set; }

    [Id(7)] public long BytesDone { get; set; }

    [Id(8)] public UnitResult? Result { get; set; }

    [Id(9)] public string? LastError { get; set; }

    /// <summary>
    /// The small result a unit of an early phase (alignment) leaves for later phases; null for merge units.
    /// Added after the first release: older saved jobs read it as null, which is what their units produced.
    /// </summary>
    [Id(10)] public string? PhaseResult { get; set; }

    /// <summary>Every attempt, oldest first: the job page's timeline and errors. Null in jobs saved before it was kept.</summary>
    [Id(11)] public List<UnitAttempt>? History { get; set; }
}
