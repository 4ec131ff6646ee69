using FusionCluster.Dashboard.Jobs;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Jobs;

public sealed class JobTimelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Attempts_running_at_once_on_a_silo_take_separate_rows_and_later_ones_reuse_them()
    {
        // silo-a: unit 0 runs 1-5 s, unit 1 runs 2-4 s (overlaps: row 1), unit 2 runs 5-6 s (row 0 is free at 5 s).
        // silo-b: unit 3 is lost at 3 s (from 1 s), then retried on silo-a 7-8 s.
        var cells = new[]
        {
            Cell(0, Attempt(1, "silo-a", 1, 5)),
            Cell(1, Attempt(1, "silo-a", 2, 4)),
            Cell(2, Attempt(1, "silo-a", 5, 6)),
            Cell(3, Attempt(1, "silo-b", 1, 3, UnitAttemptOutcome.Lost), Attempt(2, "silo-a", 7, 8)),
        };

        var timeline = JobTimeline.Build(cells, T0, T0.AddSeconds(100));

        Assert.Equal([new TimelineLane("silo-a", 0, 2), new TimelineLane("silo-b", 2, 1)], timeline.Lanes);
        var rows = timeline.Bars.ToDictionary(b => (b.Unit, b.Attempt), b => b.Row);
        Assert.Equal(0, rows[(0, 1)]);
        Assert.Equal(1, rows[(1, 1)]);
        Assert.Equal(0, rows[(2, 1)]);
        Assert.Equal(2, rows[(3, 1)]);
        Assert.Equal(UnitAttemptOutcome.Lost, timeline.Bars.Single(b => b.Unit == 3 && b.Attempt == 1).Outcome);
        Assert.Equal(8, timeline.Seconds);
        Assert.Equal(["submitted", "merge phase starts", "last unit ends"], timeline.Markers.Select(m => m.Label));
        Assert.Equal([0.0, 1.0, 8.0], timeline.Markers.Select(m => m.At));
    }

    [Fact]
    public void A_running_attempt_reaches_now_and_the_job_has_no_end_marker()
    {
        var cells = new[] { Cell(0, new UnitAttempt { Attempt = 1, Silo = "silo-a", StartedAt = T0.AddSeconds(2) }) };

        var timeline = JobTimeline.Build(cells, T0, T0.AddSeconds(30));

        var bar = Assert.Single(timeline.Bars);
        Assert.Equal((2.0, 30.0, UnitAttemptOutcome.Running), (bar.Start, bar.End, bar.Outcome));
        Assert.DoesNotContain(timeline.Markers, m => m.Label == "last unit ends");
    }

    [Fact]
    public void Only_the_newest_attempts_are_drawn_beyond_the_limit()
    {
        var cells = Enumerable.Range(0, 10).Select(i => Cell(i, Attempt(1, "silo-a", i, i + 1))).ToList();

        var timeline = JobTimeline.Build(cells, T0, T0.AddSeconds(30), maxBars: 4);

        Assert.Equal(6, timeline.Omitted);
        Assert.Equal([6, 7, 8, 9], timeline.Bars.Select(b => b.Unit));
    }

    private static UnitCell Cell(int index, params UnitAttempt[] attempts)
    {
        var cell = new UnitCell(index, $"layer {index}");
        cell.SetHistory(attempts);
        return cell;
    }

    private static UnitAttempt Attempt(int attempt, string silo, double start, double end, UnitAttemptOutcome outcome = UnitAttemptOutcome.Succeeded) => new()
    {
        Attempt = attempt,
        Silo = silo,
        StartedAt = T0.AddSeconds(start),
        EndedAt = T0.AddSeconds(end),
        Outcome = outcome,
    };
}
