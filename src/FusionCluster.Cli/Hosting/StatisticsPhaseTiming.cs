using FusionCluster.Evaluation.MultiTask;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Cli.Hosting;

/// <summary>
/// A finished job's statistics phase (every statistics or coefficients unit, RegMean++'s per-layer phases together) as
/// the benchmark reports it: from the first attempt's start of its earliest unit to the end of its last unit, and the
/// silos its units finished on.
/// </summary>
public static class StatisticsPhaseTiming
{
    public const string StatisticsPhase = "statistics";

    public static MultiTaskMergeRun Of(IReadOnlyList<UnitStatus> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        var statistics = units.Where(u => u.Phase == StatisticsPhase && u.History.Count > 0).ToList();
        if (statistics.Count == 0)
        {
            return MultiTaskMergeRun.WithoutStatistics;
        }

        var start = statistics.Min(u => u.History.Min(a => a.StartedAt));
        var end = statistics.Max(u => u.History.Max(a => a.EndedAt ?? a.StartedAt));
        var silos = statistics.Select(u => u.Silo ?? u.History[^1].Silo).Distinct(StringComparer.Ordinal).Count();
        return new MultiTaskMergeRun((end - start).TotalSeconds, silos);
    }
}
