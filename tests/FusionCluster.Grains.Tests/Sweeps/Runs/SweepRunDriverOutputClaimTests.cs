using FusionCluster.Grains.Abstractions.Sweeps;
using Microsoft.Extensions.Time.Testing;

namespace FusionCluster.Grains.Tests.Sweeps.Runs;

/// <summary>
/// On an in-process silo, a sweep run takes only an output of its own: one holding a user's files or another sweep's
/// output fails the run before anything is written there (pruning and promoting there deleted the others' files).
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

    private async Task<SweepRunSummary> RunAsync(IClusterClient client, string name, CancellationToken cancellation, string extra = "")
    {
        var sweep = client.GetGrain<ISweepGrain>(name);
        var spec = SweepTestModels.HourlySweep.Replace("name: hourly", $"name: {name}", StringComparison.Ordinal) + "\n" + extra;
        var created = await sweep.Create(new SweepDefinition { SpecText = spec, SpecDirectory = models.Folder });
        Assert.Null(created.Error);
        Assert.True((await sweep.Run()).Started);
        var status = await SweepTestSettings.EventuallyAsync(sweep.GetStatus, s => s.ActiveRun == 0 && s.Runs.Count == 1, cancellation);
        return (await sweep.GetRun(status.Runs[0].Number))!.Summary;
    }
}
