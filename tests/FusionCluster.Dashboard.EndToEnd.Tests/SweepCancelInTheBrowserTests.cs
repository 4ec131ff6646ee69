using FusionCluster.Grains.Abstractions.Sweeps;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>
/// An operator cancels a sweep's run from the sweep page in chromium while its evaluations hang: the run ends cancelled
/// on the embedded silo, the page says how far it got and offers no cancel any more, and the sweep stays.
/// </summary>
public sealed class SweepCancelInTheBrowserTests(DashboardHost host)
{
    private const string SweepId = "browser-cancel";

    [Fact]
    public async Task An_operator_cancels_a_run_going_and_the_page_shows_it_cancelled()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var release = Path.Combine(host.OutputsDirectory, "sweep-cancel-release");
        var sweep = host.Services.GetRequiredService<IClusterClient>().GetGrain<ISweepGrain>(SweepId);
        try
        {
            Assert.Null((await sweep.Create(new SweepDefinition { SpecText = Spec(release), SpecDirectory = host.ModelsDirectory, SubmittedBy = "test" })).Error);
            Assert.True((await sweep.Run()).Started);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            while ((await sweep.GetRun(1))?.Candidates.Count(c => c.State == CandidateState.Evaluating) != 2)
            {
                await Task.Delay(100, timeout.Token);
            }

            await using var session = await host.SignInAsync(DashboardHost.OperatorName, DashboardHost.OperatorPassword);
            var page = session.Page;
            await page.GotoAsync(session.Url($"/sweeps/{SweepId}"));
            await session.WaitForCircuitAsync();
            await page.ClickAsync("#sweep-cancel");
            await Assertions.Expect(page.Locator("#sweep-cancel-question")).ToContainTextAsync("Cancel run #1?");
            await page.ClickAsync("#sweep-cancel-confirm");

            await Assertions.Expect(page.Locator("#sweep-command-result")).ToContainTextAsync("Run #1 cancelled: 0 of 2 points done; nothing promoted.");
            await Assertions.Expect(page.Locator("#sweep-cancel")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#sweep-runs tr.sweep-run").First).ToContainTextAsync("Cancelled");
            var run = (await sweep.GetRun(1))!;
            Assert.Equal(SweepRunState.Cancelled, run.Summary.State);
            Assert.True((await sweep.GetStatus()).Exists);
            Assert.True(session.Errors.Count == 0, "browser console errors:\n" + string.Join("\n", session.Errors));
        }
        finally
        {
            File.WriteAllText(release, "");
        }
    }

    private string Spec(string release) => $$$"""
        name: browser cancel
        template:
          merge_method: linear
          models:
            - {model: base, parameters: {weight: 0.5}}
            - {model: ft-1, parameters: {weight: 0.5}}
        space:
          grid:
            models[0].parameters.weight: [0.3, 0.7]
        max_concurrent: 2
        evaluator:
          command: {run: "while [ ! -e '{{{release}}}' ]; do sleep 0.05; done; echo '{\"score\": 1}'; true", timeout: 120}
        objective: {metric: score, direction: maximize}
        out: {{{Path.Combine(host.OutputsDirectory, "sweep-cancel")}}}
        """;
}
