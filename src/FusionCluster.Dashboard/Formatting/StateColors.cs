using FusionCluster.Grains.Abstractions;
using MudBlazor;

namespace FusionCluster.Dashboard.Formatting;

/// <summary>One colour per state, the same on every page.</summary>
public static class StateColors
{
    public static Color For(JobState state) => state switch
    {
        JobState.Succeeded => Color.Success,
        JobState.Failed => Color.Error,
        JobState.Cancelled => Color.Warning,
        JobState.Running or JobState.Publishing => Color.Info,
        _ => Color.Default,
    };

    /// <summary>CSS class of a unit cell (colours in wwwroot/app.css).</summary>
    public static string CssClass(UnitState state) => state switch
    {
        UnitState.Running => "unit-running",
        UnitState.Done => "unit-done",
        UnitState.Failed => "unit-failed",
        _ => "unit-pending",
    };
}
