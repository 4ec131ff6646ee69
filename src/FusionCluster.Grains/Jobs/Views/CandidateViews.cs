using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Jobs.Views;

/// <summary>A shared-input job's candidates as callers see them, from the plan, the units' results and what publishing decided.</summary>
public static class CandidateViews
{
    /// <summary>Right after planning: candidates that could not be planned have failed, the others run.</summary>
    public static List<CandidateStatus> Planned(MergePlan plan) =>
        plan.Candidates?.Select(c => new CandidateStatus(c.Name, c.OutputLocation, c.Plan is null ? JobState.Failed : JobState.Running, c.Error)).ToList() ?? [];

    /// <summary>The first failure of candidate <paramref name="index"/> in its units' results, naming the unit; null when it has none.</summary>
    public static string? RunFailure(CandidatePlan candidate, int index, IEnumerable<UnitResult> members) =>
        members.FirstOrDefault(m => m.Candidate == index && m.Error is not null) is { } failed
            ? $"{candidate.Name}: {candidate.Plan!.Units[failed.Unit].Name}: {failed.Error}"
            : null;

    /// <summary>
    /// What the job shows: the recorded outcomes, with a running candidate shown failed as soon as one of its
    /// units failed it, and as cancelled or failed when the job ended before publishing it.
    /// </summary>
    public static IReadOnlyList<CandidateStatus> Of(MergeJobState state, MergePlan? plan)
    {
        if (plan?.Candidates is not { } candidates || state.Candidates.Count != candidates.Count)
        {
            return state.Candidates.ToList();
        }

        var members = Members(state).ToList();
        return state.Candidates.Select((c, i) => c.State != JobState.Running ? c
            : RunFailure(candidates[i], i, members) is { } error ? c with { State = JobState.Failed, Error = error }
            : state.State is JobState.Failed or JobState.Cancelled ? c with { State = state.State, Error = state.Error }
            : c).ToList();
    }

    /// <summary>Every member result of the job's finished shared units.</summary>
    public static IEnumerable<UnitResult> Members(MergeJobState state) =>
        state.Units.Select(u => u.Result).OfType<UnitResult>().SelectMany(r => r.Members);
}
