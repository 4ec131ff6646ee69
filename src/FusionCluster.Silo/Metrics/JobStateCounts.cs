using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Silo.Metrics;

/// <summary>
/// The cluster's jobs by state (every state present, zeros included, so each series exists from the first
/// scrape) and the work units not yet done of the jobs still under way (planning, running, publishing).
/// </summary>
public sealed record JobStateCounts(IReadOnlyDictionary<JobState, int> ByState, long UnitsRemaining)
{
    public static JobStateCounts Empty { get; } = From([]);

    public static JobStateCounts From(IReadOnlyCollection<JobSummary> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var byState = Enum.GetValues<JobState>().ToDictionary(state => state, state => jobs.Count(j => j.State == state));
        var remaining = jobs
            .Where(j => j.State is JobState.Pending or JobState.Planning or JobState.Running or JobState.Publishing)
            .Sum(j => (long)Math.Max(0, j.UnitsTotal - j.UnitsDone));
        return new JobStateCounts(byState, remaining);
    }
}
