using FusionCluster.Core.Execution;
using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs.Planning;
using FusionCluster.Grains.Workers;
using Orleans.Concurrency;

namespace FusionCluster.Grains.Jobs;

/// <summary>Plans a spec exactly as a job would (<see cref="JobPlanning"/>), and reports the plan instead of running it.</summary>
[StatelessWorker]
public sealed class PlannerGrain(ArtifactStores stores, CheckpointCache checkpoints) : Grain, IPlannerGrain
{
    public Task<PlanPreview> Preview(MergeRequest request) => Task.Run(async () =>
    {
        try
        {
            var plan = await JobPlanning.PlanAsync(JobPlanning.Parse(request), request, stores, checkpoints, CancellationToken.None);
            return JobPlanning.Preview(plan);
        }
        catch (Exception e)
        {
            return new PlanPreview { Error = FailureClassifier.Describe(e) };
        }
    });
}
