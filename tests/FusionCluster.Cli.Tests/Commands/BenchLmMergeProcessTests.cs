using System.Text.Json.Nodes;
using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>
/// <c>fusion bench lm-merge</c> at tiny sizes on the real Debian text (fortunes, python3-doc): the whole experiment
/// (corpus, base, fine-tunes, eight merges on the embedded silo, ensemble, perplexity table) runs, and its
/// invariants hold.
/// </summary>
public sealed class BenchLmMergeProcessTests
{
    [Fact]
    public async Task The_real_text_merge_experiment_runs_small_and_each_fine_tune_wins_its_own_domain()
    {
        if (!File.Exists("/usr/share/games/fortunes/fortunes") || !File.Exists("/usr/share/doc/python3-doc/html/index.html"))
        {
            Assert.Skip("fortunes or python3-doc is not installed (deploy/local/prerequisites installs them)");
        }

        using var temp = new TempDirectory();

        var run = await FusionProcess.RunAsync(
            "bench", "lm-merge", "--work", temp.Path, "--corpus-bytes", "40KB", "--layers", "1", "--hidden", "32", "--heads", "2", "--kv-heads", "1",
            "--ffn", "64", "--context", "32", "--base-steps", "60", "--fine-tune-steps", "40", "--batch-size", "8", "--threads", "1",
            // adamerging's 100 steps were two thirds of this test's time; its learning has tests of its own (MergeJobGrainLanguageAdaMergingTests).
            "--adamerging-steps", "10");

        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        var rows = JsonNode.Parse(await File.ReadAllTextAsync(temp.Combine("results.json"), TestContext.Current.CancellationToken))!["rows"]!.AsArray();
        double Perplexity(string model, string domain) => rows.Single(r => r!["model"]!.GetValue<string>() == model)!["perplexity"]![domain]!.GetValue<double>();
        Assert.Equal(["base", "ft-fortunes", "ft-python-docs", "merge linear", "merge task_arithmetic", "merge ties", "merge dare_ties", "merge slerp", "merge model_stock", "merge regmean", "merge regmean_plus_plus", "merge fisher", "merge adamerging", "ensemble (mean-probs)"], rows.Select(r => r!["model"]!.GetValue<string>()));
        // Each fine-tune beats the base on its own domain.
        Assert.True(Perplexity("ft-fortunes", "fortunes") < Perplexity("base", "fortunes"), run.Stdout);
        Assert.True(Perplexity("ft-python-docs", "python-docs") < Perplexity("base", "python-docs"), run.Stdout);
        // A mixture's log-loss is at most its members' mean, so the ensemble is no worse than the worse fine-tune anywhere.
        foreach (var domain in new[] { "fortunes", "python-docs", "union" })
        {
            Assert.True(Perplexity("ensemble (mean-probs)", domain) <= Math.Max(Perplexity("ft-fortunes", domain), Perplexity("ft-python-docs", domain)) + 1e-9, run.Stdout);
        }

        Assert.All(rows, r => Assert.True(double.IsFinite(r!["perplexity"]!["union"]!.GetValue<double>()) && r["tokens_per_second"]!.GetValue<double>() > 0));
        Assert.Contains("| merge ties |", await File.ReadAllTextAsync(temp.Combine("results.md"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var learned = JsonNode.Parse(await File.ReadAllTextAsync(temp.Combine("merge-adamerging", "fusion-report.json"), TestContext.Current.CancellationToken))!["statistics"]!;
        Assert.Equal(10, learned["steps"]!.GetValue<int>());
    }
}
