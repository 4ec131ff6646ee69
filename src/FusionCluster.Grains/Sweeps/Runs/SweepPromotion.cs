using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps.Runs;

/// <summary>How a finished run is ranked, what it promotes, and which runs and merges stay.</summary>
public static class SweepPromotion
{
    /// <summary>
    /// Ranks the run's evaluated merges (it fails when none was; baselines do not count), keeps the newest
    /// <c>promote.keep_runs</c> finished runs, and keeps every merge those runs or best/ refer to.
    /// </summary>
    /// <param name="bestLocation">Where the sweep's output keeps best/.</param>
    /// <param name="bestFolderExists">Whether best/ is on disk: a best that is already the promoted key is copied again only when it is gone.</param>
    public static RunFinish Finish(SweepGrainState state, SweepRunRecord run, SweepSpec spec, DateTimeOffset now, string bestLocation, bool bestFolderExists)
    {
        run.Leaderboard = Rank(run, spec.Objective);
        run.State = run.Leaderboard.Count > 0 ? SweepRunState.Succeeded : SweepRunState.Failed;
        if (run.State == SweepRunState.Failed)
        {
            run.Error = $"no merge was evaluated; first error: {run.Candidates.Select(c => c.Error).FirstOrDefault(e => e is not null) ?? "none"}";
        }

        run.FinishedAt = now;
        var kept = state.Runs.Where(r => !r.IsActive || r == run).TakeLast(spec.Promote.KeepRuns).ToList();
        var best = run.Leaderboard.Count > 0 ? run.Candidates[run.Leaderboard[0]] : null;
        var promote = spec.Promote.CopyBest && best is not null;
        var alreadyBest = promote && state.PromotedKey == best!.CacheKey && bestFolderExists;
        if (promote)
        {
            run.PromotedTo = bestLocation;
        }

        var keepKeys = kept.SelectMany(r => r.Candidates).Select(c => c.CacheKey).Where(k => k.Length > 0).ToHashSet(StringComparer.Ordinal);
        var promotedKey = promote ? best!.CacheKey : state.PromotedKey;
        if (promotedKey is not null)
        {
            keepKeys.Add(promotedKey);
        }

        return new RunFinish(best, promote ? best : null, alreadyBest, keepKeys, kept.Select(r => r.Number).ToHashSet());
    }

    /// <summary>The run's evaluated merges, best first: baselines are listed beside them but never ranked.</summary>
    public static List<int> Rank(SweepRunRecord run, SweepObjective objective) =>
        objective.Rank(run.Candidates.Select(c => c.State == CandidateState.Done && !c.Baseline ? c.Objective : null).ToList()).ToList();
}
