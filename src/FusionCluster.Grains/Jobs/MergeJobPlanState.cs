namespace FusionCluster.Grains.Jobs;

/// <summary>
/// A job's plan, stored apart from <see cref="MergeJobState"/>: written once, when the job is planned, while the job's
/// state is written at every step of its run. A scoring job's plan holds every candidate's (16 MB for a hundred points),
/// which each of those writes carried when the plan lived in the job's state.
/// </summary>
[GenerateSerializer, Alias("fc.MergeJobPlanState")]
public sealed class MergeJobPlanState
{
    /// <summary>The plan as JSON: plans are Core types, which stay free of Orleans serializers.</summary>
    [Id(0)] public string? PlanJson { get; set; }
}
