using FusionCluster.Grains.Abstractions.Sweeps;
using Microsoft.Extensions.Time.Testing;

namespace FusionCluster.Grains.Tests.Sweeps.Runs;

/// <summary>
/// On an in-process silo, a sweep run takes only an output of its own: one holding a user's files or another sweep's
/// output fails the run before anything is written there (pruning and promoting there deleted the others' files); and a
/// run that cannot evaluate or merge anything fails before it makes its output.
/// </summary>
public sealed class SweepRunDriverOutputClaimTests : IDisposable
{
    private readonly SweepTestModels models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public async Task A_run_into_a_users_folder_fails_and_leaves_it_as_it_was()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var output = Path.Combine(models.Folder, "sweep-out");
        Directory.CreateDirectory(Path.Combine(output, "best"));
        File.WriteAllText(Path.Combine(output, "best", "notes.txt"), "mine");
        await using var cluster = await SweepScheduleTests.StartSiloAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), cancellation);

        var run = await RunAsync(cluster.Client, "users", cancellation);

        Assert.Equal(SweepRunState.Failed, run.State);
        Assert.Contains($"out: {output} holds a best/ without fusion-sweep.json, which is not a promoted merge", run.Error, StringComparison.Ordinal);
        Assert.Equal(["best"], Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(output, "best", "notes.txt")));
    }

    [Fact]
    public async Task A_run_with_an_ensemble_baseline_into_a_users_folder_writes_no_ensemble_there()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var output = Path.Combine(models.Folder, "sweep-out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "todo.txt"), "mine");
        await using var cluster = await SweepScheduleTests.StartSiloAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), cancellation);

        var run = await RunAsync(cluster.Client, "with-baselines", cancellation, extra: "baselines: [mean-probs]");

        Assert.Equal(SweepRunState.Failed, run.State);
        Assert.Contains("todo.txt", run.Error, StringComparison.Ordinal);
        // The ensemble's manifest was written into <out>/baselines before the output was claimed.
        Assert.Equal(["todo.txt"], Directory.EnumerateFileSystemEntries(output).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_run_whose_evaluator_compares_with_a_missing_model_fails_before_it_merges_or_writes_anything()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var output = Path.Combine(models.Folder, "sweep-out");
        await using var cluster = await SweepScheduleTests.StartSiloAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), cancellation);

        var run = await RunAsync(cluster.Client, "missing-reference", cancellation, replace: [("compare: [ft-1]", "compare: [ft-9]"), ("cosine/ft-1", "cosine/ft-9")]);

        // Before, both points were merged and published, then each failed its evaluation.
        Assert.Equal(SweepRunState.Failed, run.State);
        Assert.Equal($"the sweep cannot run: evaluator.tensors.compare[0] 'ft-9': {Path.Combine(models.Folder, "ft-9")}: no such model folder", run.Error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task A_run_none_of_whose_points_can_be_merged_fails_without_making_its_output()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var output = Path.Combine(models.Folder, "sweep-out");
        await using var cluster = await SweepScheduleTests.StartSiloAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), cancellation);

        var run = await RunAsync(cluster.Client, "missing-model", cancellation, replace: [("- model: ft-1", "- model: ft-9")]);

        Assert.Equal(SweepRunState.Failed, run.State);
        Assert.StartsWith("the sweep cannot run: none of its 2 points can be merged; the first (", run.Error, StringComparison.Ordinal);
        Assert.Contains("ft-9", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task A_second_sweep_into_the_first_ones_output_fails_and_the_first_keeps_its_merges_and_best()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var output = Path.Combine(models.Folder, "sweep-out");
        await using var cluster = await SweepScheduleTests.StartSiloAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), cancellation);
        Assert.Equal(SweepRunState.Succeeded, (await RunAsync(cluster.Client, "first", cancellation)).State);
        var before = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        var second = await RunAsync(cluster.Client, "second", cancellation);

        Assert.Equal(SweepRunState.Failed, second.State);
        Assert.Contains($"out: {output} is the output of sweep 'first'", second.Error, StringComparison.Ordinal);
        Assert.Equal(before, Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        Assert.True(File.Exists(Path.Combine(output, "best", "fusion-sweep.json")), "the first sweep's best is gone");
    }

    private async Task<SweepRunSummary> RunAsync(IClusterClient client, string name, CancellationToken cancellation, string extra = "", (string Old, string New)[]? replace = null)
    {
        var sweep = client.GetGrain<ISweepGrain>(name);
        var spec = SweepTestModels.HourlySweep.Replace("name: hourly", $"name: {name}", StringComparison.Ordinal) + "\n" + extra;
        foreach (var (old, replacement) in replace ?? [])
        {
            Assert.Contains(old, spec, StringComparison.Ordinal);
            spec = spec.Replace(old, replacement, StringComparison.Ordinal);
        }

        var created = await sweep.Create(new SweepDefinition { SpecText = spec, SpecDirectory = models.Folder });
        Assert.Null(created.Error);
        Assert.True((await sweep.Run()).Started);
        var status = await SweepTestSettings.EventuallyAsync(sweep.GetStatus, s => s.ActiveRun == 0 && s.Runs.Count == 1, cancellation);
        return (await sweep.GetRun(status.Runs[0].Number))!.Summary;
    }
}
