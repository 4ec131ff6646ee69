using FusionCluster.Core.Execution;
using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Jobs.Planning;

/// <summary>Plans a job and stages its output before any unit runs.</summary>
public static class JobStaging
{
    /// <summary>
    /// Checks the output location (an existing result is kept unless the request overwrites), plans, pins
    /// the input versions and prepares the staged output. A failure after the output was prepared to be
    /// written removes what was staged; a failure of the check leaves the location alone.
    /// </summary>
    public static async Task<StagedJob> StageAsync(MergeRequest request, string jobId, ArtifactStores stores, CheckpointCache checkpoints)
    {
        if (request.ProbeUnits > 0)
        {
            return new StagedJob(DispatchProbe.Plan(request.ProbeUnits), "", null, null);
        }

        if (request.Scoring is not null && request.Candidates.Count == 0)
        {
            throw new CandidatesFailedException("a job that scores instead of writing takes its merges as candidates");
        }

        if (request.Candidates.Count > 0)
        {
            return await SharedInputStaging.StageAsync(request, jobId, stores, checkpoints);
        }

        var spec = JobPlanning.Parse(request);
        var resolved = stores.Resolve(request.Output, request.SpecDirectory, mustExist: false);
        var target = stores.OpenOutput(resolved, jobId);
        await target.CheckAsync(request.Overwrite, CancellationToken.None);
        var plan = await JobPlanning.PlanAsync(spec, request, stores, checkpoints, CancellationToken.None);
        OutputOverInput.Refuse(plan.ModelPaths, resolved);
        try
        {
            var versions = await JobPlanning.InputVersionsAsync(plan, checkpoints);
            await target.PrepareAsync(plan, CancellationToken.None);
            return new StagedJob(plan, resolved, target, versions);
        }
        catch
        {
            await target.DiscardAsync(CancellationToken.None);
            throw;
        }
    }
}
