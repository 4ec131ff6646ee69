using FusionCluster.Alignment.Jobs;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs.Scheduling;

namespace FusionCluster.Grains.Jobs.Planning;

/// <summary>How a merge request becomes a plan: one path for jobs and for plan previews, so a preview shows what a job would run.</summary>
public static class JobPlanning
{
    /// <exception cref="SpecException">The spec text does not parse.</exception>
    public static MergeSpec Parse(MergeRequest request) => MergeSpecParser.Parse(request.SpecText, request.SpecName);

    /// <summary>Reads the inputs' headers and plans the merge with the request's seed and shard size.</summary>
    public static async Task<MergePlan> PlanAsync(MergeSpec spec, MergeRequest request, ArtifactStores stores, CheckpointCache checkpoints, CancellationToken cancellationToken)
    {
        var models = await ModelCatalog.LoadAsync(spec, request.SpecDirectory, stores, checkpoints, cancellationToken);
        // A permutation spec or dataset is read on silos like a model: only inside the data roots.
        var plan = PlanLocalFiles.Confine(
            MergePlanner.Plan(spec, models, new PlanOptions { Seed = request.Seed, ShardSizeBytes = request.ShardSizeBytes, SpecDirectory = request.SpecDirectory }),
            stores.Roots);
        if (plan.Align is { } align)
        {
            // Headers only: a model no permutation spec covers, or shaped unlike the reference, fails before any unit runs.
            JobInputAlignment.Check(align, models);
        }

        return plan;
    }

    public static PlanPreview Preview(MergePlan plan) => Preview(plan, JobSchedule.For(plan));

    private static PlanPreview Preview(MergePlan plan, JobSchedule schedule) => new()
    {
        Method = plan.Method,
        Units = schedule.Units.Count,
        Tensors = plan.TensorCount,
        InputBytes = plan.TotalInputBytes,
        OutputBytes = plan.TotalOutputBytes,
        OutputShards = plan.Shards.Select(s => s.FileName).ToList(),
        // In the order they run: an alignment phase's units before the merge units.
        UnitNames = schedule.Phases.SelectMany(p => p.Units.Select(u => schedule.Units[u].Name)).ToList(),
        UnitPhases = schedule.Phases.SelectMany(p => p.Units.Select(_ => p.Name)).ToList(),
        Warnings = plan.Warnings,
    };

    /// <summary>
    /// Every input's weight file versions as the job's checkpoints hold them when it plans. Units read exactly
    /// these (or fail), so a model replaced mid-job can never mix old and new weights in one output.
    /// </summary>
    public static async Task<Dictionary<string, string[]>> InputVersionsAsync(MergePlan plan, CheckpointCache checkpoints)
    {
        var versions = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var location in plan.ModelPaths.Values.Distinct(StringComparer.Ordinal))
        {
            versions[location] = [.. (await checkpoints.GetAsync(location, CancellationToken.None)).WeightFileVersions];
        }

        return versions;
    }
}
