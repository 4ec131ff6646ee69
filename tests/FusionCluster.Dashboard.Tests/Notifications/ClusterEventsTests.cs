using FusionCluster.Dashboard.Notifications;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Dashboard.Tests.Notifications;

public sealed class ClusterEventsTests
{
    [Fact]
    public void The_first_poll_only_sets_the_baseline()
    {
        Assert.Empty(ClusterEvents.BetweenJobs(null, [Samples.Summary(1, JobState.Failed)]));
        Assert.Empty(ClusterEvents.BetweenSweeps(null, [SweepSamples.Summary("s1")]));
    }

    [Fact]
    public void A_job_that_fails_or_succeeds_between_polls_is_announced_once()
    {
        var before = new[] { Samples.Summary(1, JobState.Running), Samples.Summary(2, JobState.Running), Samples.Summary(3, JobState.Succeeded) };
        var after = new[]
        {
            Samples.Summary(1, JobState.Failed) with { Error = "unit 12 failed: tensor model.embed missing in ft-1\nat ..." },
            Samples.Summary(2, JobState.Succeeded, method: "ties"),
            Samples.Summary(3, JobState.Succeeded),
            Samples.Summary(4, JobState.Succeeded), // started and finished between two polls
            Samples.Summary(5, JobState.Running),
        };

        var found = ClusterEvents.BetweenJobs(before, after);

        Assert.Equal([NotificationKind.JobFailed, NotificationKind.JobSucceeded, NotificationKind.JobSucceeded], found.Select(n => n.Kind));
        Assert.Equal("Job job-001 (linear) failed (submitted by alice): unit 12 failed: tensor model.embed missing in ft-1", found[0].Text);
        Assert.StartsWith("Job job-002 (ties) succeeded", found[1].Text, StringComparison.Ordinal);
        Assert.Contains("job-004", found[2].Text, StringComparison.Ordinal);
        Assert.Empty(ClusterEvents.BetweenJobs(after, after));
    }

    [Fact]
    public void A_finished_sweep_run_and_a_new_best_are_announced()
    {
        var before = SweepSamples.Summary("s1") with { Runs = 1, ActiveRun = 2, LastRunState = SweepRunState.Running, BestObjective = 0.91, BestLabel = "weight=0.7" };
        var after = before with { ActiveRun = 0, Runs = 2, LastRunState = SweepRunState.Succeeded, BestObjective = 0.93, BestLabel = "weight=0.5" };

        var found = ClusterEvents.BetweenSweeps([before], [after]);

        Assert.Equal([NotificationKind.SweepRunFinished, NotificationKind.SweepNewBest], found.Select(n => n.Kind));
        Assert.Equal("Sweep s1 (s1 sweep): run 2 succeeded", found[0].Text);
        Assert.Equal("Sweep s1 (s1 sweep): new best weight=0.5 with accuracy 0.93 (was 0.91)", found[1].Text);
        Assert.Empty(ClusterEvents.BetweenSweeps([after], [after]));
    }
}
