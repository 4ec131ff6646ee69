using FusionCluster.Dashboard.Jobs;
using Microsoft.AspNetCore.Components;

namespace FusionCluster.Dashboard.Components.Shared;

public sealed partial class UnitGrid
{
    /// <summary>Above this many units the cells shrink and lose their labels.</summary>
    public const int CompactAbove = 200;

    /// <summary>Above this many units only the rows in view are rendered (a 10,000-unit job stays quick to show and to update).</summary>
    public const int VirtualizeAbove = 2500;

    /// <summary>Units per row (see the markup for why rows).</summary>
    public const int RowLength = 50;

    /// <summary>Height of a compact row in pixels, cells and gap (app.css: 11 px cells, 2 px gap).</summary>
    public const float RowHeight = 13;

    private static readonly UnitFilter[] Filters = Enum.GetValues<UnitFilter>();

    private (int Board, int Local) renderedVersion = (-1, -1);
    private int localVersion;
    private (UnitFilter, UnitColourMode, int?) shownParameters;
    private int colouredVersion = -1;
    private UnitColourMode colouredMode;
    private UnitColouring colouring = UnitColouring.For(UnitColourMode.State, []);
    private int[] rowStarts = [];
    private Action[] clicks = [];
    private bool hasPhases;
    private bool hasStatisticsPhase;
    private bool hasBestPhase;

    [Parameter, EditorRequired]
    public UnitBoard Board { get; set; } = default!;

    [Parameter]
    public UnitFilter Filter { get; set; }

    [Parameter]
    public EventCallback<UnitFilter> FilterChanged { get; set; }

    [Parameter]
    public UnitColourMode ColourMode { get; set; }

    [Parameter]
    public EventCallback<UnitColourMode> ColourModeChanged { get; set; }

    /// <summary>The unit whose cell was clicked.</summary>
    [Parameter]
    public EventCallback<UnitCell> OnSelect { get; set; }

    /// <summary>The unit shown in the side panel, outlined.</summary>
    [Parameter]
    public int? Selected { get; set; }

    private bool Compact => Board.Cells.Count > CompactAbove;

    private bool Virtualized => Board.Cells.Count > VirtualizeAbove;

    private string GridClass => "unit-grid" + (Compact ? " compact" : "") + (Virtualized ? " virtualized" : "");

    // The page re-renders every second for its status line; the grid only when a unit, the filter, the colours or the selection changed.
    protected override bool ShouldRender() => (Board.Version, localVersion) != renderedVersion;

    protected override void OnAfterRender(bool firstRender) => renderedVersion = (Board.Version, localVersion);

    protected override void OnParametersSet()
    {
        if (clicks.Length != Board.Cells.Count)
        {
            // One delegate per cell, kept across renders: an unchanged handler keeps its id, so a re-render
            // of 2,000 cells sends only the cells that changed.
            clicks = Enumerable.Range(0, Board.Cells.Count).Select(i => (Action)(() => Select(i))).ToArray();
            rowStarts = Enumerable.Range(0, (Board.Cells.Count + RowLength - 1) / RowLength).Select(r => r * RowLength).ToArray();
            hasPhases = Board.Cells.Any(c => c.Phase == UnitCell.AlignPhase);
            hasStatisticsPhase = Board.Cells.Any(c => c.Phase == UnitCell.StatisticsPhase);
            hasBestPhase = Board.Cells.Any(c => c.Phase == UnitCell.BestPhase);
        }

        if (colouredVersion != Board.Version || colouredMode != ColourMode)
        {
            colouring = UnitColouring.For(ColourMode, Board.Cells);
            (colouredVersion, colouredMode) = (Board.Version, ColourMode);
        }

        if ((Filter, ColourMode, Selected) != shownParameters)
        {
            shownParameters = (Filter, ColourMode, Selected);
            localVersion++;
        }
    }

    private int CountOf(UnitFilter filter) => filter == UnitFilter.All ? Board.Cells.Count : Board.Cells.Count(c => filter.Matches(c));

    private static string FilterLabel(UnitFilter filter) => filter.ToString().ToLowerInvariant();

    private string CellClass(UnitCell cell)
    {
        var css = "unit " + cell.CssClass;
        var extra = colouring.ClassFor(cell);
        if (extra.Length > 0)
        {
            css += " " + extra;
        }

        if (!Filter.Matches(cell))
        {
            css += " unit-dim";
        }

        if (Selected == cell.Index)
        {
            css += " unit-selected";
        }

        return css;
    }

    private async Task SetFilter(UnitFilter filter)
    {
        Filter = filter;
        localVersion++;
        await FilterChanged.InvokeAsync(filter);
    }

    private async Task SetColourMode(UnitColourMode mode)
    {
        ColourMode = mode;
        colouring = UnitColouring.For(mode, Board.Cells);
        (colouredVersion, colouredMode) = (Board.Version, mode);
        localVersion++;
        await ColourModeChanged.InvokeAsync(mode);
    }

    private void Select(int index)
    {
        if (index < Board.Cells.Count)
        {
            _ = OnSelect.InvokeAsync(Board.Cells[index]);
        }
    }
}
