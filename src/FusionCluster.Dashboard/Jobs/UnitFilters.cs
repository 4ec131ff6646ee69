using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Jobs;

/// <summary>Which cells a <see cref="UnitFilter"/> keeps.</summary>
public static class UnitFilters
{
    public static bool Matches(this UnitFilter filter, UnitCell cell) => filter switch
    {
        UnitFilter.Failed => cell.State == UnitState.Failed,
        UnitFilter.Retried => cell.Attempts > 1 || cell.LostOn is not null || (cell.Error is not null && cell.State != UnitState.Failed),
        UnitFilter.Lost => cell.LostOn is not null,
        UnitFilter.Running => cell.State == UnitState.Running,
        UnitFilter.Pending => cell.State == UnitState.Pending,
        UnitFilter.Done => cell.State == UnitState.Done,
        _ => true,
    };
}
