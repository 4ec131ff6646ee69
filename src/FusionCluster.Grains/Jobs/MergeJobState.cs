using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Jobs;

/// <summary>Everything a job must remember to resume after its silo, or the whole cluster, restarts.</summary>
[GenerateSerializer, Alias("fc.MergeJobState")]
public sealed class MergeJobState
{
    [Id(0)] public MergeRequest? Request { get; set; }

    /// <summary>
    /// The plan as JSON, in a job planned before the plan had a state of its own (<see cref="MergeJobPlanState"/>), which
    /// resumes from it; null in later jobs (<see cref="PlanStored"/>).
    /// </summary>
    [Id(1)] public string? PlanJson { get; set; }

    [Id(2)] public string? OutputLocation { get; set; }

    [Id(3)] public JobState State { get; set; }

    [Id(4)] public string? Error { get; set; }

    [Id(5)] public List<string> Warnings { get; set; } = [];

    [Id(6)] public UnitRecord[] Units { get; set; } = [];

    [Id(7)] public DateTimeOffset SubmittedAt { get; set; }

    [Id(8)] public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Seconds the job has run before its current activation.</summary>
    [Id(9)] public double EarlierSeconds { get; set; }

    [Id(10)] public int Retries { get; set; }

    /// <summary>
    /// Every input's weight file versions when the job planned, by location: units read exactly these, and
    /// content hashed at the end (<see cref="InputHashMode.Full"/>) is known to be what the units read.
    /// </summary>
    [Id(11)] public Dictionary<string, string[]>? PlannedInputVersions { get; set; }

    /// <summary>A shared-input job's candidates and their outcomes (planning failures at once, the rest when the job publishes).</summary>
    [Id(12)] public List<CandidateStatus> Candidates { get; set; } = [];

    /// <summary>Progress samples for the job's throughput curve, kept after it finishes (<see cref="Metrics.JobMetricHistory"/>).</summary>
    [Id(13)] public List<JobMetricSample> Samples { get; set; } = [];

    /// <summary>The spacing of <see cref="Samples"/>: it doubles each time they are thinned.</summary>
    [Id(14)] public TimeSpan SampleSpacing { get; set; }

    /// <summary>Whether the job was planned and its plan is in its <see cref="MergeJobPlanState"/>.</summary>
    [Id(15)] public bool PlanStored { get; set; }
}
