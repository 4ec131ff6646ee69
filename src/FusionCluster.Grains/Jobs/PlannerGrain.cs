using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Workers;
using Orleans.Concurrency;

namespace FusionCluster.Grains.Jobs;

/// <summary>Plans a spec exactly as a job would, and reports the plan instead of running it.</summary>
[StatelessWorker]
public sealed class PlannerGrain(ArtifactStores stores, CheckpointCache checkpoints) : Grain, IPlannerGrain
{
    public Task<PlanPreview> Preview(MergeRequest request) => Task.Run(async () =>
    {
        try
        {
            var spec = MergeSpecParser.Parse(request.SpecText, request.SpecName);
            var models = await ModelCatalog.LoadAsync(spec, request.SpecDirectory, stores, checkpoints, CancellationToken.None);
            var plan = MergePlanner.Plan(spec, models, new PlanOptions { Seed = request.Seed, ShardSizeBytes = request.ShardSizeBytes });
            return new PlanPreview
            {
                Method = plan.Method,
                Units = plan.Units.Count,
                Tensors = plan.TensorCount,
                InputBytes = plan.TotalInputBytes,
                OutputBytes = plan.TotalOutputBytes,
                OutputShards = plan.Shards.Select(s => s.FileName).ToList(),
                UnitNames = plan.Units.Select(u => u.Name).ToList(),
                Warnings = plan.Warnings,
            };
        }
        catch (Exception e)
        {
            return new PlanPreview { Error = FailureClassifier.Describe(e) };
        }
    });
}
