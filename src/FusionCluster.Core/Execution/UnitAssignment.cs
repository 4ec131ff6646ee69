using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;

namespace FusionCluster.Core.Execution;

/// <summary>Everything a worker needs to run one unit, without the rest of the plan.</summary>
/// <param name="Device">The job's resolved device (<see cref="MergeDevices"/>): the same for every unit of a job.</param>
/// <param name="InputVersions">
/// Per input location, the weight file versions the job planned with: a unit reads exactly those, whichever
/// silo runs it and whatever that silo has cached, or fails. Null for callers that pin nothing.
/// </param>
public sealed record UnitAssignment(
    string JobId,
    string Method,
    IReadOnlyDictionary<string, string> ModelPaths,
    IReadOnlyList<string> ShardFiles,
    string OutputLocation,
    WorkUnit Unit,
    string Device = MergeDevices.Cpu,
    IReadOnlyDictionary<string, string[]>? InputVersions = null)
{
    public static UnitAssignment For(string jobId, MergePlan plan, WorkUnit unit, string outputLocation, string device = MergeDevices.Cpu,
        IReadOnlyDictionary<string, string[]>? inputVersions = null) =>
        new(jobId, plan.Method, plan.ModelPaths, plan.Shards.Select(s => s.FileName).ToList(), outputLocation, unit, device, inputVersions)
        {
            // A shared unit of a shared-input job: each member is its candidate's own unit, staged under the candidate's id.
            Members = unit.Members.Select(m => Member(plan, m, device, inputVersions)).ToList(),
        };

    /// <summary>On a shared unit: the candidates' units it runs, reading their common inputs once; empty otherwise.</summary>
    public IReadOnlyList<UnitAssignment> Members { get; init; } = [];

    /// <summary>On a member of a shared unit: its candidate's index in the job's plan.</summary>
    public int Candidate { get; init; }

    /// <summary>The job's alignment phase; null when the spec has no <c>align:</c>.</summary>
    public AlignPlan? Align { get; init; }

    /// <summary>Set on a unit of the alignment phase: the model it aligns to <see cref="AlignPlan.Reference"/> (its result is the permutations found).</summary>
    public string? AlignModel { get; init; }

    /// <summary>On a merge unit of an aligned job: the alignment units' results, one per aligned model; the unit reads those models through them.</summary>
    public IReadOnlyList<string> AlignResults { get; init; } = [];

    /// <summary>The job's statistics phase (a data-aware merge method); null otherwise.</summary>
    public StatisticsPlan? Statistics { get; init; }

    /// <summary>Set on a unit of the statistics phase: the model whose statistics it computes on the model's dataset.</summary>
    public string? StatisticsModel { get; init; }

    /// <summary>
    /// On a unit of a sequential statistics phase (<see cref="StatisticsPlan.Layers"/>): the layer whose statistics it
    /// computes; its <see cref="StatisticsResults"/> are then the previous layer's units' results. Null otherwise.
    /// </summary>
    public int? StatisticsLayer { get; init; }

    /// <summary>
    /// On a statistics unit of a language model (<see cref="StatisticsPlan.Blocks"/>): the decoder block whose linear
    /// layers' statistics it computes; for a sequential kind its <see cref="StatisticsResults"/> are then every earlier
    /// block's units' results. Null otherwise.
    /// </summary>
    public int? StatisticsBlock { get; init; }

    /// <summary>On a merge unit of a data-aware job: the statistics units' results, one per model; the method reads the statistics through them.</summary>
    public IReadOnlyList<string> StatisticsResults { get; init; } = [];

    /// <summary>
    /// Set on every unit of a job that scores its candidates instead of writing them: the unit computes each output
    /// tensor in memory and returns its metric sums (<see cref="UnitResult.Scores"/>). Null for jobs that write.
    /// </summary>
    public OutputScoring? Scoring { get; init; }

    /// <summary>
    /// On a shared scoring unit of a job that publishes its best (<see cref="OutputScoring.PublishBest"/>): the candidate
    /// (index in the job's plan) whose member the unit also writes to that candidate's staging, the one leading when the
    /// unit was sent. Null: it writes none.
    /// </summary>
    public int? WriteCandidate { get; init; }

    /// <summary>The versions planned for the model at <paramref name="location"/>, or null when none were pinned.</summary>
    public IReadOnlyList<string>? PlannedVersions(string location) => InputVersions?.GetValueOrDefault(location);

    private static UnitAssignment Member(MergePlan plan, UnitMember member, string device, IReadOnlyDictionary<string, string[]>? inputVersions)
    {
        var candidate = plan.Candidates![member.Candidate];
        var own = candidate.Plan!;
        return For(candidate.StagingId, own, own.Units[member.Unit], candidate.OutputLocation, device, inputVersions) with { Candidate = member.Candidate };
    }
}
