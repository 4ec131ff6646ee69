namespace FusionCluster.Grains.Abstractions.Sweeps;

/// <summary>Metrics of one model, or why it could not be evaluated.</summary>
[GenerateSerializer, Immutable, Alias("fc.EvaluationOutcome")]
public sealed record EvaluationOutcome
{
    [Id(0)] public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    [Id(1)] public string? Error { get; init; }

    [Id(2)] public string Silo { get; init; } = "";

    [Id(3)] public double Seconds { get; init; }

    /// <summary>The metrics come from the evaluation cache: the same model content was evaluated the same way before.</summary>
    [Id(4)] public bool Cached { get; init; }
}
