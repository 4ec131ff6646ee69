using System.Globalization;
using FusionCluster.Core.Methods;
using FusionCluster.Core.Specs;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps.Runs;

/// <summary>
/// The merges a sweep run launches together become one shared-input job: its units read each input tensor
/// once for all of them (points of one template read the same models; where they do not, a shared unit shares
/// what they have in common). Each candidate still has its own output, outcome and evaluation.
/// </summary>
public static class SweepMergeBatches
{
    /// <summary>
    /// Gives the candidates that start merging in the same step one job id (the first one's, marked shared)
    /// when there are at least two that <see cref="CanShare"/>; a single merge, and one whose job has phases
    /// before its merge units, keeps its own job as before.
    /// </summary>
    /// <param name="scoring">
    /// The run scores its candidates in-job (<c>outputs: {publish: best}</c>): every merging candidate joins the one
    /// scoring job, also alone; one a shared-input job cannot run fails there alone, saying why.
    /// </param>
    public static IReadOnlyList<SweepCandidateStatus> Share(IReadOnlyList<SweepCandidateStatus> launched, string sweepId, int run, bool scoring = false)
    {
        var merging = launched.Where(c => c.State == CandidateState.Merging && (scoring || CanShare(c.SpecText))).ToList();
        if (merging.Count < (scoring ? 1 : 2))
        {
            return launched;
        }

        var jobId = $"{SweepRunStepper.JobId(sweepId, run, merging[0].Index)}-{(scoring ? ScoringSuffix : "shared")}";
        var shared = merging.Select(c => c.Index).ToHashSet();
        return launched.Select(c => shared.Contains(c.Index) ? c with { JobId = jobId } : c).ToList();
    }

    /// <summary>
    /// Whether a candidate's merge may run in a shared-input job: not when it aligns its models or its method reads
    /// statistics of data (those phases run per job), nor when its spec does not parse (its own job says why).
    /// </summary>
    public static bool CanShare(string specText)
    {
        try
        {
            var spec = MergeSpecParser.Parse(specText);
            return spec.Align is null
                && !(MergeMethodRegistry.TryGet(spec.MergeMethod, out var method) && method is IStatisticsMergeMethod);
        }
        catch (SpecException)
        {
            return false;
        }
    }

    /// <summary>What ends the id of a job that scores its candidates instead of writing them.</summary>
    public const string ScoringSuffix = "scored";

    /// <summary>Whether <paramref name="candidate"/>'s job scores it instead of writing it.</summary>
    public static bool IsScoring(SweepCandidateStatus candidate) => candidate.JobId.EndsWith($"-{ScoringSuffix}", StringComparison.Ordinal);

    /// <summary>
    /// Whether the scoring job of <paramref name="group"/> may publish its best itself, written while it scores: when the
    /// run keeps at least one and every candidate the run ranks (merges, not duplicates) is in the job, the job's best is
    /// the run's (the same metrics, objective and ties to the lower index), so <see cref="SweepRunStepper.Winners"/> has
    /// no need to merge it again.
    /// </summary>
    public static bool PublishesBest(SweepRunRecord run, IReadOnlyList<SweepCandidateStatus> group, int keep)
    {
        var inJob = group.Select(c => c.Index).ToHashSet();
        return keep >= 1 && run.Candidates.Where(c => !c.Baseline && c.SameAs is null).All(c => inJob.Contains(c.Index));
    }

    /// <summary>The candidates of the run that the job of <paramref name="candidate"/> merges (itself alone for a job of its own).</summary>
    public static IReadOnlyList<SweepCandidateStatus> JobOf(SweepRunRecord run, SweepCandidateStatus candidate) =>
        run.Candidates.Where(c => c.State == CandidateState.Merging && c.JobId == candidate.JobId).ToList() is { Count: > 0 } group ? group : [candidate];

    /// <summary>How a shared-input job is named in its candidates (<see cref="CandidateSpec.Name"/>): the candidate's index.</summary>
    public static string CandidateName(SweepCandidateStatus candidate) => candidate.Index.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The job's status as one candidate sees it: once a shared-input job has finished, the candidate's own
    /// outcome (published, or failed alone with its error); until then, and for a job of its own, the job's.
    /// </summary>
    public static JobStatus ForCandidate(JobStatus job, SweepCandidateStatus candidate)
    {
        if (!job.IsFinished || job.Candidates.FirstOrDefault(c => c.Name == CandidateName(candidate)) is not { } own)
        {
            return job;
        }

        return job with { State = own.State, Error = own.State == JobState.Succeeded ? null : own.Error ?? job.Error };
    }
}
