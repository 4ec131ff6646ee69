using FusionCluster.Alignment.Benchmarks;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Tests.Jobs;
using FusionCluster.Grains.Workers;
using FusionCluster.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Grains.Tests.Workers;

/// <summary>
/// Weight matching computes for minutes without an await, and a silo runs its grain calls, timers and membership
/// health checks on the .NET thread pool: an align unit's matching runs on a thread of its own (its products on
/// ComputeThreads), so the pool stays the silo's. Orleans logs ".NET Thread Pool execution stalled" from 1 s of delay
/// on, and the other silos may then suspect this one. Each job here aligns two randomly permuted copies of an MLP to
/// it on one silo with two unit slots, so two align units match at once.
/// </summary>
public sealed class AlignUnitThreadTests
{
    private const string Spec = "merge_method: linear\nmodels:\n  - {model: reference, parameters: {weight: 1}}\n  - {model: permuted-1, parameters: {weight: 1}}\n  - {model: permuted-2, parameters: {weight: 1}}\nalign: {method: weight_matching}\n";

    /// <summary>Where the matching ran is seen from its beats: it beats the unit's progress once per group it solves, on its own thread.</summary>
    [Fact]
    public async Task Align_units_weight_match_off_the_thread_pool()
    {
        var beats = new WeightMatchingBeatThreads();
        var status = await RunAlignJobAsync([32, 64, 64, 10], s => s.AddSingleton(new UnitProgressBoard(beats)));

        Assert.True(status.State == JobState.Succeeded, status.Error);
        Assert.True(beats.Elsewhere >= 4, $"two units of two groups each beat at least 4 times; saw {beats.Elsewhere} beats off the pool");
        Assert.Equal(0, beats.OnPool);
    }

    /// <summary>
    /// How late the pool runs a 100 ms timer, as Orleans' stall detector measures it, while hidden layers of 2048 are
    /// matched (each similarity product ~20 GFLOP). A measurement, no timing assert (a loaded machine delays timers too):
    /// <c>dotnet test tests/FusionCluster.Grains.Tests -c Release --filter "FullyQualifiedName~AlignUnitThreadTests"</c>.
    /// </summary>
    [Fact]
    [Trait("Category", "Measurement")]
    public async Task Thread_pool_delay_while_two_align_units_weight_match()
    {
        using var probe = new ThreadPoolDelayProbe();
        var status = await RunAlignJobAsync([256, 2048, 2048, 10], clusterStarted: probe.Restart);
        var delay = probe.LongestDelay;

        Assert.True(status.State == JobState.Succeeded, status.Error);
        var line = $"align job of two 256-2048-2048-10 MLP units on one silo: {status.ElapsedSeconds:F1} s; longest thread pool delay {delay.TotalSeconds:F2} s";
        TestContext.Current.SendDiagnosticMessage(line);
        TestContext.Current.TestOutputHelper?.WriteLine(line);
    }

    private static async Task<JobStatus> RunAlignJobAsync(int[] widths, Action<IServiceCollection>? services = null, Action? clusterStarted = null)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var folder = new TempDirectory("fusion-align-threads-");
        var random = new Random(0);
        RandomAlignmentModels.WriteWithPermutedCopies(folder.Path, RandomAlignmentModels.Mlp(random, widths), RandomAlignmentModels.MlpConfig(), random, copies: 2, cancellation);
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1, services: services);
        clusterStarted?.Invoke();
        return await JobRuns.RunAsync(cluster, "align", new MergeRequest { SpecText = Spec, SpecDirectory = folder.Path, Output = folder.Combine("merged") }, cancellation);
    }
}
