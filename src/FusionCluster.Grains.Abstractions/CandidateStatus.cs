namespace FusionCluster.Grains.Abstractions;

/// <summary>One candidate of a shared-input job: where its output goes, and whether it was published.</summary>
/// <param name="Metrics">In a job that scores instead of writing (<see cref="MergeRequest.Scoring"/>): the candidate's metrics; null otherwise.</param>
/// <param name="State">Running until the job publishes it (Succeeded) or it fails alone (Failed, with <paramref name="Error"/>).</param>
[GenerateSerializer, Immutable, Alias("fc.CandidateStatus")]
public sealed record CandidateStatus(
    [property: Id(0)] string Name,
    [property: Id(1)] string Output,
    [property: Id(2)] JobState State,
    [property: Id(3)] string? Error,
    [property: Id(4)] IReadOnlyDictionary<string, double>? Metrics = null)
{
    /// <summary>In a scoring job that publishes its best (<c>OutputScoring.PublishBest</c>): whether this candidate is the one it published.</summary>
    [Id(5)] public bool Published { get; init; }
}
