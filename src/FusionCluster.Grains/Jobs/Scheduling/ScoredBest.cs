using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Jobs.Scheduling;

/// <summary>
/// The rules of a scoring job that publishes its best candidate (<see cref="OutputScoring.PublishBest"/>): what a unit
/// writes (a scoring unit the leader of the moment, <see cref="LeaderTally"/>; a unit of the best phase the best), and
/// which units' results make up the best's written output. The grain and the publisher ask; the rules live here.
/// </summary>
public static class ScoredBest
{
    /// <summary>
    /// Units a silo holds per slot: one, since a unit writes the leader of the moment it is sent, and one queued behind a
    /// running unit would have been sent before that unit's scores.
    /// </summary>
    public const double QueueFactor = 1;

    /// <summary>
    /// The job's cap on running units (<paramref name="requested"/>: the request's, 0 for none): one until a unit is done,
    /// so that every later unit is sent with a leader; a unit alone still uses every core for its candidates
    /// (<see cref="CandidateGroups"/>).
    /// </summary>
    public static int MaxRunning(int requested, bool anyDone) => anyDone ? requested : 1;

    /// <summary>The first by <paramref name="objective"/> of candidates' values (null: not ranked), or null when none has one.</summary>
    public static int? Best(IReadOnlyList<double?> values, SweepObjective objective) =>
        objective.Rank(values) is [var first, ..] ? first : null;

    /// <summary>
    /// What the worker runs for unit <paramref name="index"/> of a scoring job that publishes its best: a scoring unit
    /// (below the plan's unit count) scores its members and writes the current <paramref name="leader"/>'s; a unit of the
    /// best phase writes the best's member of the same shared unit, unless its scoring unit already wrote it (then it
    /// runs nothing).
    /// </summary>
    /// <param name="shared">The shared unit's assignment (<see cref="PhaseAssignments.For"/>) of the scoring unit it is, or follows.</param>
    /// <param name="scoringResult">For a unit of the best phase: its scoring unit's result.</param>
    public static UnitAssignment Assign(UnitAssignment shared, int index, OutputScoring scoring, int? leader, UnitResult? scoringResult)
    {
        if (index == shared.Unit.Index)
        {
            return shared with { Scoring = scoring, WriteCandidate = leader };
        }

        var member = shared.Members.FirstOrDefault(m => m.Candidate == leader);
        var written = scoringResult?.Members.Any(m => m.Candidate == leader && m.Written) == true;
        var unit = shared.Unit with { Index = index, Name = JobSchedule.BestUnitName(shared.Unit.Name), Members = [] };
        return shared with { Unit = unit, Members = member is null || written ? [] : [member], Scoring = null, WriteCandidate = null };
    }

    /// <summary>
    /// The results of every unit of candidate <paramref name="best"/>, each from the unit that wrote it (a scoring unit
    /// or a unit of the best phase), with its scores; null when one of its units was written by neither or failed.
    /// </summary>
    /// <param name="scoringUnits">How many of the job's units score (the plan's units); the best phase's follow them.</param>
    public static IReadOnlyList<UnitResult>? Written(MergeJobState state, int scoringUnits, CandidatePlan candidate, int best)
    {
        var scoring = state.Units.Take(scoringUnits).Select(u => u.Result).OfType<UnitResult>().SelectMany(r => r.Members).Where(m => m.Candidate == best).ToList();
        var written = state.Units.Skip(scoringUnits).Select(u => u.Result).OfType<UnitResult>().SelectMany(r => r.Members).Where(m => m.Candidate == best).ToList();
        var results = new List<UnitResult>();
        foreach (var unit in candidate.Plan!.Units)
        {
            var scored = scoring.FirstOrDefault(m => m.Unit == unit.Index);
            var rewritten = written.FirstOrDefault(m => m.Unit == unit.Index);
            if (scored is null || scored.Error is not null)
            {
                return null;
            }

            if (scored.Written)
            {
                results.Add(scored);
            }
            else if (rewritten is { Error: null })
            {
                results.Add(rewritten with { Scores = scored.Scores });
            }
            else
            {
                return null;
            }
        }

        return results;
    }

    /// <summary>The candidates' metrics as the job's end records them, for <see cref="Best"/>: null for those that failed.</summary>
    public static IReadOnlyList<double?> Values(IReadOnlyList<CandidateStatus> statuses, string metric) =>
        statuses.Select(s => s.State == JobState.Succeeded && s.Metrics is { } metrics && metrics.TryGetValue(metric, out var value) ? value : (double?)null).ToList();
}
