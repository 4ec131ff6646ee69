using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.DataAware;
using FusionCluster.Evaluation.MultiTask;
using FusionCluster.Grains.Abstractions;
using static FusionCluster.Grains.Tests.Jobs.DataAwareClassifiers;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// RegMean++ as a merge job: one statistics phase per layer (each model's data through the merged layers before it),
/// then RegMean's merge units. The output must be the in-process RegMean++ bit for bit, on one silo and on three.
/// </summary>
public sealed class MergeJobGrainRegMeanPlusPlusTests : IDisposable
{
    private const int Samples = 48;
    private const double Ratio = 0.8;

    private readonly DataAwareClassifiers models = new();

    [Fact]
    public async Task A_regmean_plus_plus_job_publishes_the_in_process_merge_bit_for_bit_after_one_statistics_phase_per_layer()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);

        var status = await models.RunJobAsync(cluster, models.Spec("regmean_plus_plus", Samples, $", reduce_non_diagonal_ratio: {Ratio}"), "one-silo", cancellation);

        Assert.True(status.State == JobState.Succeeded, status.Error);
        using var expected = models.InProcess(new RegMeanPlusPlusMethod(alpha: Ratio), Samples);
        using var merged = models.Load("one-silo");
        foreach (var name in MultiTaskNetwork.BackboneNames(2))
        {
            Assert.Equal(Floats(expected[name]), Floats(merged[name]));
        }

        // The later layers see the merged layers' outputs, not each model's own: layers.1 is not RegMean's.
        using var regMean = models.InProcess(new RegMeanMethod(alpha: Ratio), Samples);
        Assert.Equal(Floats(regMean[MultiTaskNetwork.Weight(0)]), Floats(merged[MultiTaskNetwork.Weight(0)]));
        Assert.NotEqual(Floats(regMean[MultiTaskNetwork.Weight(1)]), Floats(merged[MultiTaskNetwork.Weight(1)]));

        // The last layer (the in-process merge leaves heads apart) against its definition, in float64 here.
        AssertClose(models.RegMeanOfLastLayer(Samples, Ratio, featureLayers: merged), Floats(merged[MultiTaskNetwork.Weight(2)]), 2e-3);

        // Three layers, three models: nine statistics units in three phases, then the merge units.
        var units = await cluster.Client.GetGrain<IMergeJobGrain>(JobRuns.JobId("one-silo")).GetUnits();
        string[] expectedUnits = [.. Enumerable.Range(0, 3).SelectMany(l => models.Names.Select(n => $"statistics {n} layer {l}"))];
        Assert.Equal(expectedUnits, units.Where(u => u.Phase == "statistics").Select(u => u.Name));
        Assert.All(units.Where(u => u.Phase != "statistics"), u => Assert.Equal("merge", u.Phase));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(models.PathOf("one-silo")), f => Path.GetFileName(f).StartsWith('.'));

        var report = JobRuns.Report(models.PathOf("one-silo"))["statistics"]!;
        Assert.Equal(StatisticsKinds.MergedGram, report["kind"]!.GetValue<string>());
        Assert.Equal(3, report["layers"]!.GetValue<int>());
        Assert.Equal(models.Names, report["models"]!.AsObject().Select(m => m.Key));
    }

    [Fact]
    public async Task Three_silos_publish_the_same_regmean_plus_plus_bytes_as_one_silo()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var spec = models.Spec("regmean_plus_plus", Samples);
        await OneAndThreeSilos.AssertSameBytesAsync(models.Folder, spec, "one", "three", cancellation, onThree: async (three, _) =>
        {
            var units = await three.Client.GetGrain<IMergeJobGrain>(JobRuns.JobId("three")).GetUnits();
            TestContext.Current.SendDiagnosticMessage($"statistics units ran on: {string.Join(", ", units.Where(u => u.Phase == "statistics").Select(u => u.Silo))}");
        });
        using var expected = models.InProcess(new RegMeanPlusPlusMethod(), Samples);
        using var merged = models.Load("three");
        Assert.Equal(Floats(expected[MultiTaskNetwork.Weight(1)]), Floats(merged[MultiTaskNetwork.Weight(1)]));
    }

    public void Dispose() => models.Dispose();
}
