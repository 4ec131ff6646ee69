using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Dashboard.Sweeps;

/// <summary>
/// One point of a sweep (a label such as "weight=0.3 merge_method=ties") in two runs: its candidate in each
/// (null where that run has no such point) and whether the merge spec the two made from it differs (the
/// sweep's template changed between the runs, or an input was rewritten).
/// </summary>
public sealed record ComparedPoint(string Label, SweepCandidateStatus? First, SweepCandidateStatus? Second)
{
    public bool Baseline => (First ?? Second)!.Baseline;

    public bool SpecChanged => First is not null && Second is not null && First.SpecText != Second.SpecText;

    public static double? Value(SweepCandidateStatus? candidate, string metric, string objective) =>
        candidate is null ? null
        : candidate.Metrics.TryGetValue(metric, out var value) ? value
        : metric == objective ? candidate.Objective
        : null;
}
