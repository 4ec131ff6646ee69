using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Sweeps;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Jobs.Scheduling;

/// <summary>
/// The leader of a scoring job that publishes its best (<see cref="OutputScoring.PublishBest"/>): the candidate the
/// objective ranks first by the units scored so far, which each scoring unit writes as well. Each candidate's sums are
/// kept as a running total that a unit's scores join once, when the unit is first seen done, so asking costs a look at
/// the totals: ranking every candidate from all its tensors' sums again at each dispatch took more of a 400-point job's
/// time than its merging. Units join in the order they finished, so a total's last bits may differ from the candidate's
/// final metrics, which combine every tensor in the output's order (<see cref="TensorMetricSums.Metrics"/>); that only
/// changes which candidate a scoring unit writes. Once every scoring unit is counted, the leader is what the best phase
/// writes and the publisher must find written, so it is ranked by those final metrics, computed once.
/// </summary>
public sealed class LeaderTally(MergePlan plan, OutputScoring scoring)
{
    private readonly HashSet<int> counted = [];
    private readonly TensorMetricSums?[] totals = new TensorMetricSums?[plan.Candidates!.Count];

    /// <summary>Each candidate's scores counted so far, for its final metrics.</summary>
    private readonly List<TensorScore>[] scores = [.. Enumerable.Range(0, plan.Candidates!.Count).Select(_ => new List<TensorScore>())];

    /// <summary>Each candidate's final metric value, once every scoring unit is counted; null before.</summary>
    private double?[]? final;

    /// <summary>Candidates a unit reported failed: never ranked again.</summary>
    private readonly bool[] failed = new bool[plan.Candidates!.Count];

    /// <summary>Adds the member results of the units in <paramref name="units"/> that have one and were not counted yet.</summary>
    public void Count(IReadOnlyList<UnitRecord> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        for (var unit = 0; unit < units.Count; unit++)
        {
            if (units[unit].Result is { } result && counted.Add(unit))
            {
                foreach (var member in result.Members)
                {
                    Count(member);
                }
            }
        }
    }

    /// <summary>
    /// The candidate the objective ranks first by the units counted; ties go to the lower index, as a sweep's leaderboard.
    /// Candidates that failed (in <paramref name="states"/> or in a unit), or have no value for the objective's metric, are
    /// not ranked; null when none is.
    /// </summary>
    public int? Leader(IReadOnlyList<CandidateStatus> states, SweepObjective objective)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(objective);
        if (final is null && Enumerable.Range(0, plan.Units.Count).All(counted.Contains))
        {
            final = [.. scores.Select(s => Value(() => TensorMetricSums.Metrics(s, scoring.CompareNames, scoring.BaseFolder is not null), objective))];
        }

        var values = new double?[totals.Length];
        for (var i = 0; i < totals.Length; i++)
        {
            if (totals[i] is not { Tensors: > 0 } total || failed[i] || plan.Candidates![i].Plan is null || states[i].State is JobState.Failed or JobState.Cancelled)
            {
                continue;
            }

            values[i] = final is null ? Value(() => total.ToMetrics(scoring.CompareNames), objective) : final[i];
        }

        return ScoredBest.Best(values, objective);
    }

    /// <summary>The objective's metric of <paramref name="metrics"/>; null when it has none, or the sums give no metrics (the job's end reports why).</summary>
    private static double? Value(Func<IReadOnlyDictionary<string, double>> metrics, SweepObjective objective)
    {
        try
        {
            return metrics().TryGetValue(objective.Metric, out var value) ? value : null;
        }
        catch (EvaluationException)
        {
            return null;
        }
    }

    private void Count(UnitResult member)
    {
        if (member.Error is not null)
        {
            failed[member.Candidate] = true;
            return;
        }

        if (member.Scores.Count == 0)
        {
            return;
        }

        try
        {
            var sums = TensorMetricSums.Total(member.Scores, scoring.CompareNames.Count, scoring.BaseFolder is not null);
            var total = totals[member.Candidate] ??= new TensorMetricSums(scoring.CompareNames.Count, scoring.BaseFolder is not null);
            total.Combine(sums);
            scores[member.Candidate].AddRange(member.Scores);
        }
        catch (Exception e) when (e is EvaluationException or ArgumentException)
        {
            // Sums that cannot be read rank nowhere; the job's end reports them.
            failed[member.Candidate] = true;
        }
    }
}
