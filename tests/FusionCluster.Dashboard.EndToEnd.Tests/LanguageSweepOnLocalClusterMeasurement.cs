using System.Globalization;
using System.Text.Json;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.TestSupport;
using Microsoft.Playwright;

namespace FusionCluster.Dashboard.EndToEnd.Tests;

/// <summary>
/// Issue 12's closing run, as a user does it: `fusion dataset text` builds a corpus from the Debian fortunes
/// and Python docs, `fusion train` trains a byte-level llama on both and fine-tunes one copy on each domain,
/// `deploy/local/cluster up` starts Redis, Azurite, two fusion-silo processes and the dashboard, and
/// `fusion sweep create/run` sweeps task-arithmetic λ and TIES density with the perplexity evaluator and the
/// inputs and their ensemble as baselines. The dashboard's sweep page, signed in with the password the
/// script generated, must show the same leaderboard as `fusion sweep run --json`; its screenshot goes to
/// TestResults/dashboard/screenshots/30-lm-sweep-local-cluster.png, its table to lm-sweep-local-cluster.md. Minutes of CPU, so a measurement:
/// <c>dotnet test tests/FusionCluster.Dashboard.EndToEnd.Tests -c Release --filter FullyQualifiedName~LanguageSweepOnLocalCluster</c>.
/// </summary>
[Collection(MeasurementCollection.Name)]
[Trait("Category", "Measurement")]
public sealed class LanguageSweepOnLocalClusterMeasurement
{
    private const string SweepYaml = """
        name: lm task arithmetic and ties
        template:
          merge_method: task_arithmetic
          base_model: base
          models:
            - model: ft-fortunes
              parameters: {weight: 0.5}
            - model: ft-python-docs
              parameters: {weight: 0.5}
          dtype: float32
        space:
          - grid:
              models[*].parameters.weight: [0.3, 0.5, 0.7, 1.0]
          - grid:
              merge_method: [ties]
              models[*].parameters.density: [0.3, 0.5, 0.8]
        max_concurrent: 4
        evaluator:
          perplexity: {text: corpus/validation.txt, context: 64}
        objective: {metric: perplexity, direction: minimize}
        baselines: [inputs, mean-probs]
        out: sweep-out
        """;

    private static readonly string Fusion = Path.Combine(RepositoryRoot.Find(), "src", "FusionCluster.Cli", "bin", "Release", "net10.0", "fusion.dll");
    private static readonly string Results = Path.Combine(RepositoryRoot.Find(), "TestResults", "dashboard");
    private static readonly string[] Shape = ["--arch", "llama", "--layers", "2", "--hidden", "64", "--heads", "4", "--kv-heads", "2", "--ffn", "172", "--context", "64", "--threads", "2"];

    [Fact]
    public async Task A_perplexity_sweep_on_a_local_cluster_shows_its_leaderboard_on_the_sweep_page()
    {
        var cancellation = Xunit.TestContext.Current.CancellationToken;
        // The corpus and the three models are kept between runs (a rerun goes straight to the cluster);
        // the sweep's output is not.
        var folder = Path.Combine(Results, "lm-sweep-work");
        Directory.CreateDirectory(folder);
        if (Directory.Exists(Path.Combine(folder, "sweep-out")))
        {
            Directory.Delete(Path.Combine(folder, "sweep-out"), recursive: true);
        }

        if (!File.Exists(Path.Combine(folder, "corpus", "validation.txt")))
        {
            await FusionAsync(cancellation, "dataset", "text", "--out", Path.Combine(folder, "corpus"), "--max-bytes", "150KB");
        }

        await TrainOnceAsync(folder, "base", cancellation, "--text", Path.Combine(folder, "corpus", "train.txt"), "--steps", "300", "--lr", "3e-3", "--seed", "1");
        foreach (var domain in new[] { "fortunes", "python-docs" })
        {
            await TrainOnceAsync(folder, $"ft-{domain}", cancellation, "--text", Path.Combine(folder, "corpus", $"{domain}.train.txt"), "--base", Path.Combine(folder, "base"),
                "--steps", "120", "--lr", "1e-3", "--seed", "2");
        }

        var sweepFile = Path.Combine(folder, "sweep.yaml");
        await File.WriteAllTextAsync(sweepFile, SweepYaml, cancellation);

        var dashboardPort = FreePort.Next();
        await using var cluster = new LocalClusterScript(new Dictionary<string, string> { ["FUSION_DASHBOARD_PORT"] = dashboardPort.ToString(CultureInfo.InvariantCulture) }) { WithDashboard = true };
        await cluster.UpAsync(silos: 2, cancellation, folder);
        var id = (await FusionAsync(cancellation, "sweep", "create", sweepFile, "--cluster", cluster.Redis)).Trim().Split('\n')[^1].Trim();
        // "run N started", then the finished run as JSON.
        var output = await FusionAsync(cancellation, "sweep", "run", id, "--cluster", cluster.Redis, "--wait", "--json");
        using var run = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]);
        var candidates = run.RootElement.GetProperty("Candidates").EnumerateArray().ToList();
        Assert.All(candidates, c => Assert.True((CandidateState)c.GetProperty("State").GetInt32() == CandidateState.Done, c.ToString()));
        var merges = candidates.Where(c => !c.GetProperty("Baseline").GetBoolean()).ToList();
        Assert.Equal(7, merges.Count);
        // Baselines: the three inputs (base, both fine-tunes) and their mean-probs ensemble.
        Assert.Equal(4, candidates.Count - merges.Count);

        var password = (await File.ReadAllLinesAsync(Path.Combine(cluster.StateDirectory, "dashboard", "passwords"), cancellation))
            .Select(line => line.Split(' ', 2)).Single(parts => parts[0] == "viewer")[1];
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        await using var session = await BrowserSession.OpenAsync(browser, new Uri($"http://127.0.0.1:{dashboardPort.ToString(CultureInfo.InvariantCulture)}/"));
        await session.SignInAsync("viewer", password);
        await session.Page.GotoAsync(session.Url($"sweeps/{Uri.EscapeDataString(id)}"));
        var rows = session.Page.Locator("#sweep-leaderboard tr.leaderboard-row");
        await Assertions.Expect(rows).ToHaveCountAsync(candidates.Count, new() { Timeout = 60_000 });

        // Each merge's perplexity on the page is the one the run reports (shown to 4 significant digits or more).
        foreach (var merge in merges)
        {
            var index = merge.GetProperty("Index").GetInt32().ToString(CultureInfo.InvariantCulture);
            var shown = await session.Page.Locator($"#sweep-leaderboard tr[data-index='{index}'] td.leaderboard-objective").InnerTextAsync();
            var expected = merge.GetProperty("Objective").GetDouble();
            Assert.Equal(expected, double.Parse(shown, CultureInfo.InvariantCulture), expected * 1e-3);
        }

        // Rank 1 is the lowest perplexity of the merges.
        var best = merges.MinBy(c => c.GetProperty("Objective").GetDouble()).GetProperty("Index").GetInt32().ToString(CultureInfo.InvariantCulture);
        Assert.Equal("1", (await session.Page.Locator($"#sweep-leaderboard tr[data-index='{best}'] td.leaderboard-rank").InnerTextAsync()).Trim());
        Assert.Equal(4, await session.Page.Locator("#sweep-leaderboard tr.baseline-row").CountAsync());

        var screenshots = Path.Combine(Results, "screenshots");
        Directory.CreateDirectory(screenshots);
        await session.ScreenshotAsync(screenshots, "30-lm-sweep-local-cluster");
        Assert.Empty(session.Errors);

        var table = string.Join('\n', candidates
            .OrderBy(c => c.GetProperty("Baseline").GetBoolean())
            .ThenBy(c => c.GetProperty("Objective").GetDouble())
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"| {c.GetProperty("Label").GetString()} | {c.GetProperty("Objective").GetDouble():0.000} |")));
        await File.WriteAllTextAsync(Path.Combine(Results, "lm-sweep-local-cluster.md"), $"| candidate | validation perplexity |\n|---|---|\n{table}\n", cancellation);
    }

    private static async Task TrainOnceAsync(string folder, string name, CancellationToken cancellation, params string[] arguments)
    {
        var output = Path.Combine(folder, name);
        if (!File.Exists(Path.Combine(output, "model.safetensors")))
        {
            await FusionAsync(cancellation, ["train", .. Shape, .. arguments, "--out", output, "--overwrite"]);
        }
    }

    private static async Task<string> FusionAsync(CancellationToken cancellation, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await DotnetTool.RunAsync(Fusion, arguments, TimeSpan.FromMinutes(20), cancellation);
        Assert.True(exitCode == 0, $"fusion {string.Join(' ', arguments)} exited {exitCode}:\n{stdout}\n{stderr}");
        return stdout;
    }
}
