using FusionCluster.Dashboard.Jobs;
using Microsoft.AspNetCore.Components;

namespace FusionCluster.Dashboard.Components.Shared;

public sealed partial class UnitGrid
{
    /// <summary>Above this many units the cells shrink and lose their labels.</summary>
    public const int CompactAbove = 200;

    /// <summary>Units per row (see the markup for why rows).</summary>
    public const int RowLength = 50;

    private int renderedVersion = -1;

    [Parameter, EditorRequired]
    public UnitBoard Board { get; set; } = default!;

    private bool Compact => Board.Cells.Count > CompactAbove;

    // The page re-renders every second for its status line; the grid only when a unit changed.
    protected override bool ShouldRender() => Board.Version != renderedVersion;

    protected override void OnAfterRender(bool firstRender) => renderedVersion = Board.Version;
}
