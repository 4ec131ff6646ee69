using System.Globalization;
using FusionCluster.Dashboard.Components.Shared;
using FusionCluster.Dashboard.Jobs;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Components;

public sealed class JobTimelineViewTests : DashboardTestContext
{
    [Fact]
    public void Draws_one_bar_per_attempt_in_its_outcome_colour_with_a_lane_per_silo()
    {
        var units = Samples.Units(3, done: 3);
        units[0] = units[0] with { History = [Samples.Attempt(1, "silo-1", UnitAttemptOutcome.Succeeded)] };
        units[1] = units[1] with { History = [Samples.Attempt(1, "silo-2", UnitAttemptOutcome.Lost, reason: "silo-2 died"), Samples.Attempt(2, "silo-1", UnitAttemptOutcome.Succeeded)] };
        units[2] = units[2] with { History = [Samples.Attempt(1, "silo-1", UnitAttemptOutcome.Running)] };
        var board = new UnitBoard(s => s ?? "");
        board.Load(units);

        var view = Render<JobTimelineView>(p => p.Add(x => x.Board, board).Add(x => x.SubmittedAt, Samples.Submitted).Add(x => x.Now, Samples.Submitted.AddSeconds(20)));

        Assert.Equal(4, view.FindAll("#job-timeline .timeline-bar").Count);
        Assert.Single(view.FindAll("#job-timeline .bar-lost"));
        Assert.Single(view.FindAll("#job-timeline .bar-running"));
        Assert.Equal(["silo-1", "silo-2"], view.FindAll(".timeline-lane-label").Select(l => l.TextContent));
        Assert.Contains("silo-2 died", view.Find(".bar-lost title").TextContent, StringComparison.Ordinal);
        Assert.Contains("lost with its silo 1", view.Find("#timeline-legend").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_of_markers_at_the_same_moment_are_drawn_in_rows_above_one_another()
    {
        // Every attempt starts at submission, so "submitted" and "merge phase starts" mark the same moment.
        var board = new UnitBoard(s => s ?? "");
        board.Load(Samples.Units(2, done: 2).Select(u => u with { History = [Samples.Attempt(1, "silo-1", UnitAttemptOutcome.Succeeded)] }).ToList());

        var view = Render<JobTimelineView>(p => p.Add(x => x.Board, board).Add(x => x.SubmittedAt, Samples.Submitted).Add(x => x.Now, Samples.Submitted.AddSeconds(20)));

        var labels = view.FindAll(".timeline-marker-label").ToDictionary(l => l.TextContent, l => double.Parse(l.GetAttribute("y")!, CultureInfo.InvariantCulture));
        Assert.Equal(["last unit ends", "merge phase starts", "submitted"], labels.Keys.Order());
        Assert.Equal(13, labels["submitted"] - labels["merge phase starts"]);
        Assert.Equal(labels["submitted"], labels["last unit ends"]);
        // The plot moved down by the extra row: its lane starts below both labels.
        Assert.True(double.Parse(view.Find(".timeline-lane").GetAttribute("y")!, CultureInfo.InvariantCulture) > labels["submitted"]);
    }

    [Fact]
    public void Before_any_attempt_it_says_so()
    {
        var board = new UnitBoard(s => s ?? "");
        board.Load(Samples.Units(3));

        var view = Render<JobTimelineView>(p => p.Add(x => x.Board, board).Add(x => x.SubmittedAt, Samples.Submitted).Add(x => x.Now, Samples.Submitted));

        Assert.NotNull(view.Find("#timeline-empty"));
    }
}
