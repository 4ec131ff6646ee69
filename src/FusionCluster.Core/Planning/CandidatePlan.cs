namespace FusionCluster.Core.Planning;

/// <summary>
/// One merge of a shared-input job, planned exactly as it would be alone (so its output is the same bytes),
/// with where its output goes and the staging it writes to. A candidate that could not be planned keeps its
/// error and no plan: it fails alone, the others run.
/// </summary>
/// <param name="Name">What the candidate is called in messages and views (the spec file's name without .yaml).</param>
/// <param name="SpecText">The candidate's spec, for its fusion-report.json.</param>
/// <param name="OutputLocation">Its resolved output location.</param>
/// <param name="StagingId">The job id its staged output is kept under (unique per candidate, as outputs may share a folder).</param>
public sealed record CandidatePlan(string Name, string SpecText, string OutputLocation, string StagingId)
{
    /// <summary>The candidate's own plan; null when planning it failed.</summary>
    public MergePlan? Plan { get; init; }

    /// <summary>Why the candidate could not be planned; null when it was.</summary>
    public string? Error { get; init; }
}
