using FusionCluster.Dashboard.Formatting;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Dashboard.Notifications;

/// <summary>
/// The notifications between two polls of the cluster: jobs that reached Succeeded or Failed, sweep runs that
/// finished, and sweeps whose best candidate changed. The first poll only sets the baseline: a dashboard that
/// starts never announces what finished before it was there.
/// </summary>
public static class ClusterEvents
{
    public static IReadOnlyList<Notification> BetweenJobs(IReadOnlyList<JobSummary>? previous, IReadOnlyList<JobSummary> current)
    {
        if (previous is null)
        {
            return [];
        }

        var before = previous.ToDictionary(j => j.JobId, j => j.State, StringComparer.Ordinal);
        var found = new List<Notification>();
        foreach (var job in current)
        {
            var was = before.TryGetValue(job.JobId, out var state) ? state : (JobState?)null;
            if (was == job.State)
            {
                continue;
            }

            var who = job.SubmittedBy.Length > 0 ? $" (submitted by {job.SubmittedBy})" : "";
            if (job.State == JobState.Failed)
            {
                var reason = job.Error is { Length: > 0 } error ? ": " + error.Split('\n')[0] : "";
                found.Add(new Notification(NotificationKind.JobFailed, $"Job {job.JobId} ({job.Method}) failed{who}{reason}"));
            }
            else if (job.State == JobState.Succeeded)
            {
                found.Add(new Notification(NotificationKind.JobSucceeded, $"Job {job.JobId} ({job.Method}) succeeded{who}, {Display.Count(job.UnitsTotal, "unit")} in {job.ElapsedSeconds:0.#} s"));
            }
        }

        return found;
    }

    public static IReadOnlyList<Notification> BetweenSweeps(IReadOnlyList<SweepSummary>? previous, IReadOnlyList<SweepSummary> current)
    {
        if (previous is null)
        {
            return [];
        }

        var before = previous.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var found = new List<Notification>();
        foreach (var sweep in current)
        {
            before.TryGetValue(sweep.Id, out var was);
            var name = sweep.Name.Length > 0 && sweep.Name != sweep.Id ? $"{sweep.Id} ({sweep.Name})" : sweep.Id;
            var finished = sweep.LastRunState is SweepRunState.Succeeded or SweepRunState.Failed or SweepRunState.Cancelled;
            if (finished && (was is null || was.Runs != sweep.Runs || was.LastRunState != sweep.LastRunState))
            {
                found.Add(new Notification(NotificationKind.SweepRunFinished, $"Sweep {name}: run {sweep.Runs} {sweep.LastRunState!.Value.ToString().ToLowerInvariant()}"));
            }

            if (sweep.BestObjective is { } best && (was?.BestObjective != best || was.BestLabel != sweep.BestLabel))
            {
                var metric = sweep.ObjectiveMetric.Length > 0 ? sweep.ObjectiveMetric : "objective";
                var from = was?.BestObjective is { } old ? $" (was {old:0.####})" : "";
                found.Add(new Notification(NotificationKind.SweepNewBest, $"Sweep {name}: new best {sweep.BestLabel} with {metric} {best:0.####}{from}"));
            }
        }

        return found;
    }
}
