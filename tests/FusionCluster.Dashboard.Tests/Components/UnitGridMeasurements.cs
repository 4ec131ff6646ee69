using System.Diagnostics;
using FusionCluster.Dashboard.Components.Shared;
using FusionCluster.Dashboard.Jobs;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Components;

/// <summary>
/// Server-side render cost of the unit grid (what a circuit spends before anything reaches the browser), for the
/// README: <c>dotnet test tests/FusionCluster.Dashboard.Tests -c Release --filter "Category=Measurement"</c>.
/// </summary>
[Trait("Category", "Measurement")]
public sealed class UnitGridMeasurements : DashboardTestContext
{
    [Theory]
    [InlineData(2_000)]
    [InlineData(10_000)]
    public void Render_and_live_update_times(int units)
    {
        var board = new UnitBoard(s => s ?? "");
        board.Load(Samples.Units(units, done: units / 2, running: 8));
        Render<UnitGrid>(p => p.Add(x => x.Board, board)).Dispose();

        var first = new List<double>();
        var updates = new List<double>();
        for (var run = 0; run < 5; run++)
        {
            var clock = Stopwatch.StartNew();
            var grid = Render<UnitGrid>(p => p.Add(x => x.Board, board));
            first.Add(clock.Elapsed.TotalMilliseconds);

            clock.Restart();
            board.Apply(Samples.Event("j", JobEventKind.UnitStarted, units / 2 + 100 + run));
            grid.Render(p => p.Add(x => x.Board, board));
            updates.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Equal(units.ToString(System.Globalization.CultureInfo.InvariantCulture), grid.Find("#unit-grid").GetAttribute("data-units"));
        }

        Xunit.TestContext.Current.SendDiagnosticMessage($"unit grid, {units} units: first render median {Median(first):0} ms, re-render after one unit event median {Median(updates):0} ms ({string.Join(", ", updates.Select(u => u.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))})");
        Xunit.TestContext.Current.TestOutputHelper?.WriteLine($"unit grid, {units} units: first render median {Median(first):0} ms, re-render after one unit event median {Median(updates):0} ms");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
