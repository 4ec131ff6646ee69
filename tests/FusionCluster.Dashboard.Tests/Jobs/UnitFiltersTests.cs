using FusionCluster.Dashboard.Jobs;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Jobs;

public sealed class UnitFiltersTests
{
    [Fact]
    public void Retried_keeps_units_run_again_after_an_error_or_a_lost_silo()
    {
        var once = Cell(0, UnitState.Done, attempts: 1);
        var twice = Cell(1, UnitState.Done, attempts: 2);
        var lost = Cell(2, UnitState.Pending, attempts: 1);
        lost.MarkLost("silo-3");
        var failed = Cell(3, UnitState.Failed, attempts: 1, error: "bad tensor");

        Assert.Equal([false, true, true, false], new[] { once, twice, lost, failed }.Select(c => UnitFilter.Retried.Matches(c)));
        Assert.Equal([false, false, true, false], new[] { once, twice, lost, failed }.Select(c => UnitFilter.Lost.Matches(c)));
        Assert.Equal([false, false, false, true], new[] { once, twice, lost, failed }.Select(c => UnitFilter.Failed.Matches(c)));
        Assert.All(new[] { once, twice, lost, failed }, c => Assert.True(UnitFilter.All.Matches(c)));
    }

    private static UnitCell Cell(int index, UnitState state, int attempts, string? error = null)
    {
        var cell = new UnitCell(index, $"layer {index}");
        cell.Update(state, "silo-1", attempts: attempts, error: error);
        return cell;
    }
}
