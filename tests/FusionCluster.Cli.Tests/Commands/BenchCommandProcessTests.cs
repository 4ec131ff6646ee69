using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>
/// `fusion bench` and `fusion bench sweep` end to end on tiny models: every child merge of both failed once `merge
/// --stats-json` began to refuse a file it had not written, since the benchmarks passed it an empty temp file.
/// </summary>
public sealed class BenchCommandProcessTests
{
    [Fact]
    public async Task Bench_times_each_method_against_the_streaming_bound()
    {
        using var temp = new TempDirectory();

        var (exitCode, stdout, stderr) = await FusionProcess.RunAsync("bench", "--size", "2MB", "--methods", "linear,ties", "--repeat", "1", "--work", temp.Combine("work"));

        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        var rows = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Single(rows, row => row.StartsWith("linear ", StringComparison.Ordinal));
        Assert.Single(rows, row => row.StartsWith("ties ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tiez", "--methods: unknown method 'tiez' (did you mean 'ties'?); bench runs ")]
    [InlineData(",", "--methods: name at least one of ")]
    public async Task A_method_bench_cannot_run_is_refused_before_any_input_is_written(string methods, string expected)
    {
        using var temp = new TempDirectory();

        var (exitCode, stdout, stderr) = await FusionProcess.RunAsync("bench", "--size", "2MB", "--methods", methods, "--work", temp.Combine("work"));

        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout);
        Assert.StartsWith($"fusion: error: {expected}", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("work")));
    }

    [Fact]
    public async Task Bench_with_other_deltas_synthesizes_them_beside_the_default_ones()
    {
        using var temp = new TempDirectory();

        var (exitCode, stdout, stderr) = await FusionProcess.RunAsync("bench", "--size", "2MB", "--methods", "della", "--repeat", "1", "--delta-scale", "0.005", "--work", temp.Combine("work"));
        var refused = await FusionProcess.RunAsync("bench", "--size", "2MB", "--delta-scale", "2", "--work", temp.Combine("refused"));

        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        Assert.Single(stdout.Split('\n', StringSplitOptions.TrimEntries), row => row.StartsWith("della ", StringComparison.Ordinal));
        Assert.Contains("\"delta_scale\": 0.005", await File.ReadAllTextAsync(Path.Combine(temp.Combine("work"), "2000000-deltas-0.005", "fusion-synth.json"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("fusion: error: --delta-scale 2: expected a number above 0 and at most 1", refused.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("refused")));
    }

    [Fact]
    public async Task Bench_sweep_reports_every_row()
    {
        using var temp = new TempDirectory();

        var (exitCode, stdout, stderr) = await FusionProcess.RunAsync("bench", "sweep", "--size", "2MB", "--points", "2", "--scored-runs", "2", "--work", temp.Combine("work"));

        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        foreach (var row in new[] { "one merge (mean)", "2 separate merges", "2 merges, shared input", "sweep of 2 points", "the same sweep again (2/2 scores cached)" })
        {
            Assert.Contains(row, stdout, StringComparison.Ordinal);
        }

        // Each scored run against the merge before it: two runs, two ratios.
        var pairs = Assert.Single(stdout.Split('\n'), line => line.StartsWith("scored runs, each after one merge: ", StringComparison.Ordinal));
        Assert.Equal(2, pairs.Split(" against ").Length - 1);
    }
}
