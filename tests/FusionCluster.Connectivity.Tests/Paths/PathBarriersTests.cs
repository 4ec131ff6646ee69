using FusionCluster.Connectivity.Paths;

namespace FusionCluster.Connectivity.Tests.Paths;

public sealed class PathBarriersTests
{
    [Fact]
    public void A_bump_in_the_middle_is_measured_against_the_endpoints_line()
    {
        // Line between the endpoints at 0.5: loss (1 + 2) / 2 = 1.5, accuracy (0.9 + 0.8) / 2 = 0.85.
        var barriers = PathBarriers.Of([new PathPoint(0, 0.9, 1), new PathPoint(0.5, 0.6, 3), new PathPoint(1, 0.8, 2)]);

        Assert.Equal(1.5, barriers.LossBarrier, 12);
        Assert.Equal(0.5, barriers.LossBarrierAlpha);
        Assert.Equal(0.25, barriers.AccuracyBarrier, 12);
        Assert.Equal(0.5, barriers.AccuracyBarrierAlpha);
    }

    [Fact]
    public void The_largest_excess_wins_even_off_centre()
    {
        // Loss line: 0 + α. Excesses: 0.25 → 1 − 0.25 = 0.75, 0.5 → 0, 0.75 → 2 − 0.75 = 1.25.
        // Accuracy line: 1 − 0.2α. Shortfalls: 0.25 → 0.95 − 0.9 = 0.05, 0.5 → 0.9 − 0.5 = 0.4, 0.75 → 0.85 − 0.85 = 0.
        var barriers = PathBarriers.Of([
            new PathPoint(0, 1.0, 0), new PathPoint(0.25, 0.9, 1), new PathPoint(0.5, 0.5, 0.5), new PathPoint(0.75, 0.85, 2), new PathPoint(1, 0.8, 1)]);

        Assert.Equal(1.25, barriers.LossBarrier, 12);
        Assert.Equal(0.75, barriers.LossBarrierAlpha);
        Assert.Equal(0.4, barriers.AccuracyBarrier, 12);
        Assert.Equal(0.5, barriers.AccuracyBarrierAlpha);
    }

    [Fact]
    public void A_path_below_its_endpoints_line_has_no_barrier()
    {
        var barriers = PathBarriers.Of([new PathPoint(0, 0.9, 1), new PathPoint(0.5, 0.95, 0.5), new PathPoint(1, 0.9, 1)]);

        Assert.Equal(0, barriers.LossBarrier);
        Assert.Equal(0, barriers.AccuracyBarrier);
    }

    [Fact]
    public void Points_must_run_from_zero_to_one_in_order()
    {
        Assert.Throws<ArgumentException>(() => PathBarriers.Of([new PathPoint(0.1, 1, 1), new PathPoint(1, 1, 1)]));
        Assert.Throws<ArgumentException>(() => PathBarriers.Of([new PathPoint(0, 1, 1), new PathPoint(0.5, 1, 1), new PathPoint(0.5, 1, 1), new PathPoint(1, 1, 1)]));
    }
}
