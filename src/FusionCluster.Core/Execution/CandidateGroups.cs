namespace FusionCluster.Core.Execution;

/// <summary>
/// Candidates split into near-equal runs, one per core: a worker takes a cache-sized block of the shared inputs and
/// computes and scores every candidate of its run there before the next block, so the block is read from memory once
/// per worker, not once per candidate, and each candidate's values still reach its sums in element order.
/// </summary>
public static class CandidateGroups
{
    /// <summary>One group per core, at most one per candidate, at least one.</summary>
    public static int Count(int candidates) => Count(candidates, Environment.ProcessorCount, runningUnits: 1);

    /// <summary>
    /// One group per core of the unit's share of <paramref name="cores"/> while <paramref name="runningUnits"/> units (this one
    /// among them) run at once, at most one per candidate, at least one. Units running side by side already keep the cores busy:
    /// more groups than a unit's share would only make the threads wait for each other.
    /// </summary>
    public static int Count(int candidates, int cores, int runningUnits)
    {
        var share = Math.Max(1, cores / Math.Max(1, runningUnits));
        return Math.Max(1, Math.Min(candidates, share));
    }

    /// <summary>Group <paramref name="group"/> of <paramref name="groups"/>: its first candidate and how many it has (candidates in order, sizes differing by at most one).</summary>
    public static (int First, int Count) Of(int group, int groups, int candidates)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(group);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(group, groups);
        var first = (int)((long)candidates * group / groups);
        return (first, (int)((long)candidates * (group + 1) / groups) - first);
    }
}
