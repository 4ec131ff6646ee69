using FusionCluster.Core.Execution;

namespace FusionCluster.Grains.Abstractions;

/// <summary>One attempt of one unit, sent to a worker.</summary>
[GenerateSerializer, Immutable, Alias("fc.UnitDispatch")]
public sealed record UnitDispatch([property: Id(0)] int Attempt, [property: Id(1)] UnitAssignment Assignment);
