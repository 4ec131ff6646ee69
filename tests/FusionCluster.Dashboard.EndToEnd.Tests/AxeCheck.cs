using System.Text.Json;
using FusionCluster.TestSupport;
using Microsoft.Playwright;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>axe-core (installed by the prerequisites, never downloaded at test time) run in the page against WCAG 2.1 A/AA.</summary>
public static class AxeCheck
{
    /// <returns>Every violation (id, impact, help, first targets), and the serious or critical ones as lines naming <paramref name="where"/>.</returns>
    public static async Task<(JsonElement Violations, List<string> Serious)> RunAsync(IPage page, string where, CancellationToken cancellationToken)
    {
        var axe = await File.ReadAllTextAsync(LocalTools.AxeCoreScript, cancellationToken);
        await page.EvaluateAsync(axe);
        var result = await page.EvaluateAsync<JsonElement>(
            "async () => (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }))" +
            ".violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')) }))");
        var serious = new List<string>();
        foreach (var violation in result.EnumerateArray())
        {
            var impact = violation.GetProperty("impact").GetString();
            if (impact is "serious" or "critical")
            {
                serious.Add($"{where}: {impact} {violation.GetProperty("id").GetString()}: {violation.GetProperty("help").GetString()} at {violation.GetProperty("targets")}");
            }
        }

        return (result, serious);
    }
}
