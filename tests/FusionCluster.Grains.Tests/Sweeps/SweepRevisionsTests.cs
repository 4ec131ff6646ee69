using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Sweeps;

namespace FusionCluster.Grains.Tests.Sweeps;

public sealed class SweepRevisionsTests
{
    private const string Before = """
        name: nightly
        template: {merge_method: linear, models: [{model: base}, {model: ft-1}]}
        space:
          grid:
            weight: [0.25, 0.75]
        max_concurrent: 2
        out: sweep-out
        """;

    [Fact]
    public void Sections_whose_value_changed_are_named_in_the_new_order_then_removed_ones()
    {
        const string after = """
            name: nightly
            space:
              grid:
                weight: [0.25, 0.5, 0.75]
            template: {merge_method: ties, models: [{model: base}, {model: ft-1}]}
            out: sweep-out
            """;

        Assert.Equal(["space", "template", "max_concurrent"], SweepRevisions.ChangedSections(Before, after));
    }

    [Fact]
    public void Layout_comments_quoting_and_key_order_are_no_change()
    {
        const string after = """
            # the same sweep, written another way
            name: "nightly"
            template:
              models:
                - model: base
                - model: ft-1
              merge_method: linear
            space: {grid: {weight: [0.25, 0.75]}}
            max_concurrent: 2
            out: 'sweep-out'
            """;

        Assert.Empty(SweepRevisions.ChangedSections(Before, after));
    }

    [Fact]
    public void The_history_keeps_the_newest_twenty_edits()
    {
        var revisions = new List<SweepRevision>();
        var start = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 25; i++)
        {
            SweepRevisions.Record(revisions, new SweepRevision { At = start.AddMinutes(i), By = $"user-{i}" });
        }

        Assert.Equal(20, revisions.Count);
        Assert.Equal("user-5", revisions[0].By);
        Assert.Equal("user-24", revisions[^1].By);
    }
}
