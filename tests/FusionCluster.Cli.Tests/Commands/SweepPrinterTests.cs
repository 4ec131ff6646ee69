using FusionCluster.Cli.Commands;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Cli.Tests.Commands;

public sealed class SweepPrinterTests
{
    [Fact]
    public void A_next_fire_time_in_the_sweeps_time_zone_is_printed_in_utc_as_labelled()
    {
        // 03:00 in Berlin in winter (UTC+1) is 02:00 UTC.
        var status = new SweepStatus { Id = "nightly", Exists = true, Schedule = "0 3 * * * Europe/Berlin", NextFire = new DateTimeOffset(2026, 12, 4, 3, 0, 0, TimeSpan.FromHours(1)) };
        using var output = new StringWriter();

        SweepPrinter.Status(status, output);

        Assert.Contains("next      2026-12-04 02:00:00 UTC (2026-12-04 03:00 at UTC+01:00)", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_connect_run_lists_its_points_by_barrier_with_where_each_result_is_published()
    {
        var run = new SweepRunDetail
        {
            Summary = new SweepRunSummary { Number = 1, State = SweepRunState.Succeeded, Candidates = 2, Done = 2 },
            Connect = true,
            ObjectiveMetric = "loss_barrier",
            Maximize = false,
            Leaderboard = [1, 0],
            Candidates =
            [
                new SweepCandidateStatus { Index = 0, Label = "connect.align=none", State = CandidateState.Done, Objective = 0.48, MergeOutput = "/out/connect/run-000001-point-000" },
                new SweepCandidateStatus { Index = 1, Label = "connect.align=weight_matching", State = CandidateState.Done, Objective = 0.06, MergeOutput = "/out/connect/run-000001-point-001" },
            ],
        };
        using var output = new StringWriter();

        SweepPrinter.Run(run, output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("RANK  loss_barrier", lines[1], StringComparison.Ordinal);
        Assert.Matches(@"^1 +0\.06 .*connect\.align=weight_matching +/out/connect/run-000001-point-001\r?$", lines[2]);
        Assert.Matches(@"^2 +0\.48 .*connect\.align=none +/out/connect/run-000001-point-000\r?$", lines[3]);
        Assert.DoesNotContain("best ->", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_says_what_it_took_from_the_caches_lines_up_a_long_metric_and_lists_a_point_without_a_rank()
    {
        var run = new SweepRunDetail
        {
            Summary = new SweepRunSummary { Number = 2, State = SweepRunState.Succeeded, Candidates = 4, Done = 3, Cached = 1, Failed = 1 },
            ObjectiveMetric = "task_cosine/ft-1",
            Maximize = true,
            Leaderboard = [2, 1],
            Candidates =
            [
                new SweepCandidateStatus { Index = 0, Label = "w=0", State = CandidateState.Done, Objective = double.NaN, MergeSeconds = 1.5, EvaluationSeconds = 0.5 },
                new SweepCandidateStatus { Index = 1, Label = "w=0.5", State = CandidateState.Done, Objective = 0.25, Cached = true, EvaluationCached = true },
                new SweepCandidateStatus { Index = 2, Label = "w=1", State = CandidateState.Done, Objective = 0.75, EvaluatedOn = "in-job", MergeSeconds = 2.5 },
                new SweepCandidateStatus { Index = 3, Label = "w=abc", State = CandidateState.Failed, Error = "bad weight" },
            ],
        };
        using var output = new StringWriter();

        SweepPrinter.Run(run, output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("run 2: succeeded, 3/4 points done (1 score from the evaluation cache, 1 merge reused), 1 failed", lines[0]);
        Assert.Equal(
            ["RANK  task_cosine/ft-1 MERGE    EVAL    POINT",
             "1     0.75             2.5s     in-job  w=1",
             "2     0.25             reused   cached  w=0.5",
             "-     NaN              1.5s     0.5s    w=0",
             "failed  w=abc: bad weight"],
            lines[1..]);
    }
}
