using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs.Planning;
using FusionCluster.Grains.Jobs.Scheduling;
using FusionCluster.Grains.Jobs.Views;
using FusionCluster.Grains.Workers;

namespace FusionCluster.Grains.Jobs.Publishing;

/// <summary>Publishing a shared-input job: each candidate as a job of its own would publish it, except those that failed.</summary>
public sealed partial class JobPublisher
{
    /// <summary>
    /// Builds every candidate's report and side files first, then passes the commit point once (a cancel before
    /// it publishes nothing), then moves each candidate's staging into place. A candidate that failed in a unit,
    /// or fails here, has its staging removed and its error recorded; the others publish.
    /// </summary>
    private async Task<string?> PublishCandidatesAsync(MergePlan plan, MergeJobState state, double seconds, CancellationToken cancellationToken)
    {
        var candidates = plan.Candidates!;
        var members = CandidateViews.Members(state).ToList();
        if (state.Request!.Scoring is { } scoring)
        {
            var failure = Score(candidates, members, state, scoring);
            if (scoring.PublishBest is { } objective)
            {
                await PublishBestAsync(plan, state, objective, seconds, cancellationToken);
            }

            return failure;
        }

        // Decided off the grain's turn, applied to the state after the await (the grain reads it meanwhile).
        var outcomes = new CandidateStatus?[candidates.Count];
        await Task.Run(async () =>
        {
            var built = new List<(int Index, IReadOnlyList<PublishedFile> Files)>();
            for (var i = 0; i < candidates.Count; i++)
            {
                var candidate = candidates[i];
                if (candidate.Plan is null || state.Candidates[i].State != JobState.Running)
                {
                    continue;
                }

                if (CandidateViews.RunFailure(candidate, i, members) is { } failure)
                {
                    outcomes[i] = await FailAsync(candidate, failure);
                    continue;
                }

                try
                {
                    var own = members.Where(m => m.Candidate == i).ToList();
                    built.Add((i, await BuildFilesAsync(candidate.Plan, candidate.SpecText, own, [], [], state, seconds, cancellationToken)));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    outcomes[i] = await FailAsync(candidate, $"{candidate.Name}: {FailureClassifier.Describe(e)}");
                }
            }

            // The commit point: a cancel that arrived before it publishes nothing.
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var (i, files) in built)
            {
                var candidate = candidates[i];
                try
                {
                    await stores.OpenOutput(candidate.OutputLocation, candidate.StagingId).PublishAsync(candidate.Plan!, files, CancellationToken.None);
                    outcomes[i] = new CandidateStatus(candidate.Name, candidate.OutputLocation, JobState.Succeeded, null);
                }
                catch (Exception e)
                {
                    outcomes[i] = await FailAsync(candidate, $"{candidate.Name}: publishing failed: {FailureClassifier.Describe(e)}");
                }
            }
        });

        for (var i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i] is { } outcome)
            {
                state.Candidates[i] = outcome;
            }
        }

        return FailureWhenNoneSucceeded(state);
    }

    /// <summary>A scoring job's end: each candidate's metrics from its units' scores, nothing published.</summary>
    private static string? Score(IReadOnlyList<CandidatePlan> candidates, List<UnitResult> members, MergeJobState state, OutputScoring scoring)
    {
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            if (candidate.Plan is null || state.Candidates[i].State != JobState.Running)
            {
                continue;
            }

            try
            {
                state.Candidates[i] = CandidateViews.RunFailure(candidate, i, members) is { } failure
                    ? new CandidateStatus(candidate.Name, candidate.OutputLocation, JobState.Failed, failure)
                    : new CandidateStatus(candidate.Name, candidate.OutputLocation, JobState.Succeeded, null)
                    {
                        Metrics = TensorMetricSums.Metrics(members.Where(m => m.Candidate == i).SelectMany(m => m.Scores), scoring.CompareNames, scoring.BaseFolder is not null),
                    };
            }
            catch (EvaluationException e)
            {
                state.Candidates[i] = new CandidateStatus(candidate.Name, candidate.OutputLocation, JobState.Failed, $"{candidate.Name}: {e.Message}");
            }
        }

        return FailureWhenNoneSucceeded(state);
    }

    /// <summary>
    /// A scoring job that publishes its best: once every candidate is scored, the first by <paramref name="objective"/>
    /// is published from its staging (written by the scoring units and the best phase, <see cref="ScoredBest"/>), and
    /// every other candidate's staging is removed. When the best cannot be published here (a unit of it unwritten, or
    /// publishing fails) it stays scored only, with a warning, and whoever asked merges it again.
    /// </summary>
    private async Task PublishBestAsync(MergePlan plan, MergeJobState state, SweepObjective objective, double seconds, CancellationToken cancellationToken)
    {
        var candidates = plan.Candidates!;
        var best = ScoredBest.Best(ScoredBest.Values(state.Candidates, objective.Metric), objective);
        var published = false;
        if (best is { } b && ScoredBest.Written(state, plan.Units.Count, candidates[b], b) is { } written)
        {
            var candidate = candidates[b];
            try
            {
                await PublishOneAsync(
                    stores.OpenOutput(candidate.OutputLocation, candidate.StagingId),
                    candidate.Plan!,
                    () => BuildFilesAsync(candidate.Plan!, candidate.SpecText, written, [], [], state, seconds, cancellationToken),
                    cancellationToken);
                state.Candidates[b] = state.Candidates[b] with { Published = true };
                published = true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                state.Warnings.Add($"the best candidate, {candidate.Name}, could not be published by its scoring job: {FailureClassifier.Describe(e)}");
            }
        }
        else if (best is { } unwritten)
        {
            state.Warnings.Add($"the best candidate, {candidates[unwritten].Name}, was not written whole while scoring; it is not published by its scoring job");
        }

        if (await SharedInputStaging.DiscardAsync(candidates.Where((_, i) => !(published && i == best)), stores) is { } missed)
        {
            state.Warnings.Add($"a candidate's staged output could not be removed: {missed.Message}");
        }
    }

    /// <summary>
    /// The job's failure when no candidate succeeded. Each failed candidate's error is in the job's status already
    /// (its candidate list), so it is not repeated as a warning: `fusion merge --out-dir` printed it twice.
    /// </summary>
    private static string? FailureWhenNoneSucceeded(MergeJobState state)
    {
        var failed = state.Candidates.Where(c => c.State != JobState.Succeeded).ToList();
        return failed.Count == state.Candidates.Count ? $"every candidate failed: {string.Join("; ", failed.Select(c => c.Error))}" : null;
    }

    private async Task<CandidateStatus> FailAsync(CandidatePlan candidate, string error)
    {
        // The failed candidate's staging goes; nothing of it is published (a removal that fails is the job's end's to retry).
        await SharedInputStaging.DiscardAsync([candidate], stores);
        return new CandidateStatus(candidate.Name, candidate.OutputLocation, JobState.Failed, error);
    }
}
