using FusionCluster.Cli.Tests.Support;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>
/// fusion bench align-job on the embedded silo: a small MLP and its two randomly permuted copies, merged linearly
/// after weight matching, must come out as the reference (the benchmark's "aligned" column), and a second run reuses
/// the models it wrote.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BenchAlignJobProcessTests
{
    [Fact]
    public async Task A_weight_matching_job_undoes_both_permutations_and_a_second_run_reuses_the_models()
    {
        using var temp = new TempDirectory();

        var first = await FusionProcess.RunAsync("bench", "align-job", "--mlp", "24,16,12,4", "--llama-width-divisor", "0", "--work", temp.Path);
        var second = await FusionProcess.RunAsync("bench", "align-job", "--mlp", "24,16,12,4", "--llama-width-divisor", "0", "--work", temp.Path);

        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        var row = first.Stdout.Split('\n').Single(l => l.StartsWith("MLP 24,16,12,4", StringComparison.Ordinal));
        // models, embedded s, peak RSS (number and unit), cluster s, aligned, same
        Assert.Equal("yes", row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[6]);
        Assert.Contains("writing a reference and two permuted copies", first.Stdout, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
        Assert.DoesNotContain("writing a reference", second.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(temp.Path, "mlp-24-16-12-4", "permuted-2", "model.safetensors")));
    }

    [Fact]
    public async Task A_divisor_that_does_not_divide_the_heads_is_refused()
    {
        var (exitCode, _, stderr) = await FusionProcess.RunAsync("bench", "align-job", "--llama-width-divisor", "3");

        Assert.True(exitCode != 0);
        Assert.Contains("--llama-width-divisor 3: expected 0, 1, 2, 4 or 8", stderr, StringComparison.Ordinal);
    }
}
