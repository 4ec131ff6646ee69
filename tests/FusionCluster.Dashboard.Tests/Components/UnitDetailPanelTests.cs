using FusionCluster.Dashboard.Components.Shared;
using FusionCluster.Dashboard.Jobs;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Components;

public sealed class UnitDetailPanelTests : DashboardTestContext
{
    [Fact]
    public void Shows_every_attempt_with_silo_times_outcome_and_a_redacted_reason()
    {
        var cell = new UnitCell(7, "layer 6");
        cell.Update(UnitState.Done, "silo-1", attempts: 2, inputBytes: 3 << 20, seconds: 4.5, error: "could not read https://acct.blob.core.windows.net/m?sv=1&sig=abc123");
        cell.SetHistory(
        [
            Samples.Attempt(1, "silo-3", UnitAttemptOutcome.Lost, Samples.Submitted.AddSeconds(42), "silo silo-3 left; key super-secret-connection-string"),
            Samples.Attempt(2, "silo-1", UnitAttemptOutcome.Succeeded, Samples.Submitted.AddSeconds(47)),
        ]);

        var panel = Render<UnitDetailPanel>(p => p.Add(x => x.Cell, cell).Add(x => x.Now, Samples.Submitted.AddMinutes(5)));

        Assert.Equal("#7 layer 6", panel.Find("#unit-panel-title").TextContent);
        Assert.Equal("2", panel.Find("#unit-panel-attempts").TextContent);
        Assert.Equal("4.5 s", panel.Find("#unit-panel-duration").TextContent);
        var rows = panel.FindAll("#unit-panel-history tbody tr");
        Assert.Equal(3, rows.Count);
        Assert.Contains("silo-3", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("2026-11-23 12:00:42 UTC", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("lost with its silo", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("silo silo-3 left; key ***", rows[1].TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("super-secret", panel.Markup, StringComparison.Ordinal);
        Assert.Contains("succeeded", rows[2].TextContent, StringComparison.Ordinal);
        Assert.Contains("could not read", panel.Find("#unit-panel-error").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_unit_not_started_says_so()
    {
        var panel = Render<UnitDetailPanel>(p => p.Add(x => x.Cell, new UnitCell(0, "embeddings")));

        Assert.Equal("Not started yet.", panel.Find("#unit-panel-no-attempts").TextContent);
        Assert.Equal("-", panel.Find("#unit-panel-silo").TextContent);
    }
}
