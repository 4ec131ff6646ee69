using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Workers;

namespace FusionCluster.Grains.Jobs.Planning;

/// <summary>
/// Plans and stages a shared-input job (<see cref="MergeRequest.Candidates"/>): each candidate exactly as a
/// job of its own would be (output check, plan, staging), under its own staging id; then
/// <see cref="SharedInputPlanner"/> lays out the shared units. A candidate that fails here keeps its error
/// and takes no part; when every candidate fails, the job fails.
/// </summary>
public static class SharedInputStaging
{
    public static async Task<StagedJob> StageAsync(MergeRequest request, string jobId, ArtifactStores stores, CheckpointCache checkpoints)
    {
        var candidates = new List<CandidatePlan>();
        var outputs = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            // Each candidate claims its output in the request's order (so a shared output fails the later one), then the
            // candidates plan and stage at once.
            var staging = request.Candidates.Select((spec, i) => StageCandidateAsync(request, spec, StorageNames.CheckJobId($"{jobId}-{i}"), outputs, stores, checkpoints)).ToList();
            try
            {
                await Task.WhenAll(staging);
            }
            finally
            {
                candidates.AddRange(staging.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }

            if (request.Scoring is null || request.Scoring.PublishBest is not null)
            {
                await RefuseOutputsOverOthersInputsAsync(candidates, stores);
            }

            if (candidates.All(c => c.Plan is null))
            {
                throw new CandidatesFailedException($"no candidate could be planned: {string.Join("; ", candidates.Select(c => c.Error))}");
            }

            var plan = SharedInputPlanner.Plan(candidates);
            return new StagedJob(plan, "", null, await JobPlanning.InputVersionsAsync(plan, checkpoints));
        }
        catch
        {
            await DiscardAsync(candidates, stores);
            throw;
        }
    }

    /// <summary>
    /// Each candidate's own inputs were checked against its output when it was staged; another candidate's were not. A
    /// candidate that would publish where another reads a model (a merge of merges rerun with --overwrite) fails alone:
    /// publishing it would replace that model's files, and the other merge would have read a model that no longer exists.
    /// </summary>
    private static async Task RefuseOutputsOverOthersInputsAsync(List<CandidatePlan> candidates, ArtifactStores stores)
    {
        // Every location a planned candidate reads, with its readers in name order. The check looks at each location once,
        // named by its first reader, so a candidate's check takes from each location its first reader that is another
        // candidate: the same locations, order and names as all the others' inputs, whose names and sorting grew with the
        // square of the candidates (0.8 s at 400).
        var readers = candidates.Where(c => c.Plan is not null)
            .SelectMany(c => c.Plan!.ModelPaths.Select(model => (Candidate: c, Name: $"{model.Key}' of candidate '{c.Name}", Location: model.Value)))
            .GroupBy(input => input.Location, StringComparer.Ordinal)
            .Select(location => location.OrderBy(input => input.Name, StringComparer.Ordinal).ToList())
            .ToList();
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            if (candidate.Plan is null)
            {
                continue;
            }

            var othersInputs = readers.Select(location => location.FirstOrDefault(input => input.Candidate != candidate))
                .Where(input => input.Candidate is not null)
                .ToDictionary(input => input.Name, input => input.Location, StringComparer.Ordinal);
            try
            {
                OutputOverInput.Refuse(othersInputs, candidate.OutputLocation);
            }
            catch (StorageException e)
            {
                await stores.OpenOutput(candidate.OutputLocation, candidate.StagingId).DiscardAsync(CancellationToken.None);
                candidates[i] = candidate with { Plan = null, Error = $"{candidate.Name}: {e.Message}" };
            }
        }
    }

    /// <summary>Removes the staged outputs of the candidates that were staged; returns the first failure instead of throwing.</summary>
    public static async Task<Exception?> DiscardAsync(IEnumerable<CandidatePlan> candidates, ArtifactStores stores)
    {
        Exception? first = null;
        foreach (var candidate in candidates.Where(c => c.Plan is not null))
        {
            try
            {
                await stores.OpenOutput(candidate.OutputLocation, candidate.StagingId).DiscardAsync(CancellationToken.None);
            }
            catch (Exception e)
            {
                first ??= e;
            }
        }

        return first;
    }

    /// <summary>Claims the candidate's output at once, then stages it on a thread of the pool.</summary>
    private static Task<CandidatePlan> StageCandidateAsync(
        MergeRequest request, CandidateSpec spec, string stagingId, HashSet<string> outputs, ArtifactStores stores, CheckpointCache checkpoints)
    {
        var resolved = spec.Output;
        try
        {
            resolved = stores.Resolve(spec.Output, spec.SpecDirectory, mustExist: false);
            if (!outputs.Add(resolved))
            {
                throw new CandidatesFailedException($"its output {resolved} is another candidate's output too");
            }
        }
        catch (Exception e)
        {
            // A failure of this candidate alone is its error; any other fails the job once every candidate has staged.
            return FailureClassifier.IsPermanent(e)
                ? Task.FromResult(new CandidatePlan(spec.Name, spec.SpecText, resolved, stagingId) { Error = $"{spec.Name}: {FailureClassifier.Describe(e)}" })
                : Task.FromException<CandidatePlan>(e);
        }

        return Task.Run(() => StageClaimedAsync(request, spec, stagingId, resolved, stores, checkpoints));
    }

    private static async Task<CandidatePlan> StageClaimedAsync(
        MergeRequest request, CandidateSpec spec, string stagingId, string resolved, ArtifactStores stores, CheckpointCache checkpoints)
    {
        IMergeOutput? target = null;
        try
        {
            // The request it would be alone: same seed, shard size and device, so the same plan and bytes.
            var alone = request with { SpecText = spec.SpecText, SpecDirectory = spec.SpecDirectory, SpecName = spec.SpecFileName is { Length: > 0 } file ? file : spec.Name, Output = spec.Output, Candidates = [] };
            var parsed = JobPlanning.Parse(alone);
            var output = stores.OpenOutput(resolved, stagingId);
            // A scoring job writes nothing there (the output is neither checked nor staged), unless it publishes its best,
            // which may be any of them.
            var writes = request.Scoring is null || request.Scoring.PublishBest is not null;
            if (writes)
            {
                await output.CheckAsync(request.Overwrite, CancellationToken.None);
            }

            var plan = await JobPlanning.PlanAsync(parsed, alone, stores, checkpoints, CancellationToken.None);
            if (plan.Align is not null)
            {
                throw new CandidatesFailedException("its spec aligns its models (align:), which shared-input jobs do not run yet; merge it on its own");
            }

            if (plan.Statistics is not null)
            {
                throw new CandidatesFailedException($"merge_method {plan.Method} computes statistics of each model's data (a statistics phase), which shared-input jobs do not run yet; merge it on its own");
            }

            if (writes)
            {
                OutputOverInput.Refuse(plan.ModelPaths, resolved);
                target = output;
                // A scoring job's candidates stay sparse: it writes one of them whole, and some others in part.
                await output.PrepareAsync(plan, reserveSpace: request.Scoring is null, CancellationToken.None);
            }

            return new CandidatePlan(spec.Name, spec.SpecText, resolved, stagingId) { Plan = plan };
        }
        catch (Exception e) when (FailureClassifier.IsPermanent(e))
        {
            if (target is not null)
            {
                await target.DiscardAsync(CancellationToken.None);
            }

            return new CandidatePlan(spec.Name, spec.SpecText, resolved, stagingId) { Error = $"{spec.Name}: {FailureClassifier.Describe(e)}" };
        }
    }
}
