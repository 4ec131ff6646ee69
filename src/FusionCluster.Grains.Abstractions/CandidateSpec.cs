namespace FusionCluster.Grains.Abstractions;

/// <summary>One merge of a shared-input job (<see cref="MergeRequest.Candidates"/>): its spec and where its output goes.</summary>
/// <param name="Name">What messages and views call it (the spec file's name without .yaml, or a sweep point's id).</param>
/// <param name="Output">A local folder or an az://container/prefix location, resolved against <paramref name="SpecDirectory"/>.</param>
[GenerateSerializer, Immutable, Alias("fc.CandidateSpec")]
public sealed record CandidateSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] string SpecText,
    [property: Id(2)] string SpecDirectory,
    [property: Id(3)] string Output)
{
    /// <summary>The spec's file name, which errors about its text name (<c>b.yaml line 6: ...</c>); empty for a spec without a file (a sweep point's).</summary>
    [Id(4)]
    public string SpecFileName { get; init; } = "";
}
