using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.DataAware;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.MultiTask;
using FusionCluster.Grains.Abstractions;
using FusionCluster.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static FusionCluster.Grains.Tests.Jobs.DataAwareClassifiers;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// Jobs of a data-aware method (regmean, fisher): each model's statistics on its dataset are the units of a
/// statistics phase on worker silos, and the merge units solve per layer with them. The result must be the
/// in-process method's (the multi-task benchmark's) bit for bit, on any number of silos and after a silo dies.
/// </summary>
public sealed class MergeJobGrainStatisticsTests : IDisposable
{
    private const int Samples = 48;

    private readonly DataAwareClassifiers models = new();

    [Fact]
    public async Task A_regmean_job_publishes_the_in_process_RegMean_merge_bit_for_bit()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);

        var status = await models.RunJobAsync(cluster, models.Spec("regmean", Samples, ", reduce_non_diagonal_ratio: 0.8"), "regmean", cancellation);

        Assert.True(status.State == JobState.Succeeded, status.Error);
        using var expected = models.InProcess(new RegMeanMethod(alpha: 0.8), Samples);
        using var merged = models.Load("regmean");
        AssertBackboneEqual(expected, merged);

        // The last layer (the in-process benchmark keeps heads apart) against RegMean computed here in float64 from its
        // definition; the job's Gram matrices are stored in float32, which the solve amplifies a little.
        AssertClose(models.RegMeanOfLastLayer(Samples, 0.8), Floats(merged[MultiTaskNetwork.Weight(2)]), 2e-3);

        // Three statistics units, then the merge units; nothing of the statistics is published.
        var units = await cluster.Client.GetGrain<IMergeJobGrain>(JobRuns.JobId("regmean")).GetUnits();
        Assert.Equal(models.Names.Select(n => $"statistics {n}"), units.Where(u => u.Phase == "statistics").Select(u => u.Name));
        Assert.All(units.Where(u => u.Phase != "statistics"), u => Assert.Equal("merge", u.Phase));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(models.PathOf("regmean")), f => Path.GetFileName(f).Contains("gram", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith('.'));

        // The report says what each model's statistics were computed on.
        var report = JobRuns.Report(models.PathOf("regmean"))["statistics"]!;
        Assert.Equal("gram", report["kind"]!.GetValue<string>());
        Assert.Equal(models.Names, report["models"]!.AsObject().Select(m => m.Key));
        Assert.All(report["models"]!.AsObject(), m => Assert.Equal(Samples, m.Value!["samples"]!.GetValue<int>()));
        Assert.Equal(models.DatasetPath("m2"), report["models"]!["m2"]!["dataset"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_fisher_job_publishes_the_in_process_Fisher_merge_bit_for_bit()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);

        var status = await models.RunJobAsync(cluster, models.Spec("fisher", Samples), "fisher", cancellation);

        Assert.True(status.State == JobState.Succeeded, status.Error);
        using var expected = models.InProcess(new FisherMethod(), Samples);
        using var merged = models.Load("fisher");
        AssertBackboneEqual(expected, merged);

        // The last layer: a weighted average, so every element lies between the models' values.
        var inputs = models.Names.Select(n => { using var m = models.Load(n); return Floats(m[MultiTaskNetwork.Weight(2)]); }).ToList();
        var last = Floats(merged[MultiTaskNetwork.Weight(2)]);
        for (var e = 0; e < last.Length; e++)
        {
            Assert.InRange(last[e], inputs.Min(i => i[e]) - 1e-6f, inputs.Max(i => i[e]) + 1e-6f);
        }
    }

    [Fact]
    public async Task Three_silos_compute_the_statistics_in_parallel_and_publish_the_same_bytes_as_one_silo()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var spec = models.Spec("regmean", Samples);
        await OneAndThreeSilos.AssertSameBytesAsync(models.Folder, spec, "one-silo", "three-silos", cancellation, onThree: async (three, _) =>
        {
            var units = await three.Client.GetGrain<IMergeJobGrain>(JobRuns.JobId("three-silos")).GetUnits();
            TestContext.Current.SendDiagnosticMessage($"statistics units ran on: {string.Join(", ", units.Where(u => u.Phase == "statistics").Select(u => u.Silo))}");
        });
    }

    [Fact]
    public async Task Killing_a_silo_during_the_statistics_phase_changes_no_byte()
    {
        var cancellation = TestContext.Current.CancellationToken;
        // Statistics units are held a few seconds (then run for real), so that one is still running when its silo dies.
        await using var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellation);
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 1, services: s => s.AddSingleton<IInputStatistics, DelayedStatistics>(), store: redis);
        var spec = models.Spec("fisher", Samples);

        var undisturbed = await models.RunJobAsync(cluster, spec, "undisturbed", cancellation);
        Assert.True(undisturbed.State == JobState.Succeeded, undisturbed.Error);

        var (disturbed, killed) = await SiloKills.RunKillingAsync(
            cluster, JobRuns.JobId("killed"), new MergeRequest { SpecText = spec, SpecDirectory = models.Folder, Output = models.PathOf("killed") }, "statistics", cancellation);

        Assert.True(killed, "no silo other than the job's was running a statistics unit to kill");
        Assert.True(disturbed.State == JobState.Succeeded, disturbed.Error);
        Assert.True(disturbed.Retries > 0, "the killed silo's statistics unit must have run again");
        Assert.Equal(AlignedClassifiers.ModelFiles(models.PathOf("undisturbed")), AlignedClassifiers.ModelFiles(models.PathOf("killed")));
    }

    [Fact]
    public async Task The_preview_lists_the_statistics_phase_before_the_merge_units()
    {
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 1, silos: 1);
        var request = new MergeRequest { SpecText = models.Spec("regmean", Samples), SpecDirectory = models.Folder, Output = "/unused" };

        var preview = await cluster.Client.GetGrain<IPlannerGrain>(0).Preview(request);

        Assert.Null(preview.Error);
        Assert.Equal(["statistics m1", "statistics m2", "statistics m3"], preview.UnitNames.Take(3));
        Assert.Equal(["statistics", "statistics", "statistics"], preview.UnitPhases.Take(3));
        Assert.All(preview.UnitPhases.Skip(3), p => Assert.Equal("merge", p));
    }

    [Fact]
    public async Task A_second_job_over_the_same_models_and_data_reuses_their_statistics_and_a_changed_dataset_is_computed_again()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);
        var spec = models.Spec("regmean", Samples);

        var first = await models.RunJobAsync(cluster, spec, "first", cancellation);
        var second = await models.RunJobAsync(cluster, spec, "second", cancellation);
        // One training image of m2 changes: only m2's statistics are computed again.
        var changed = ImageDatasetFile.Read(models.DatasetPath("m2"));
        var pixels = changed.Pixels.ToArray();
        pixels[0] = (byte)(pixels[0] ^ 0x40);
        ImageDatasetFile.Write(models.DatasetPath("m2"), new ImageDataset(changed.TrainCount, changed.HeldOutCount, changed.Channels, changed.Height, changed.Width, changed.ClassCount, pixels, Enumerable.Range(0, changed.Count).Select(i => (byte)changed.Label(i)).ToArray()));
        var third = await models.RunJobAsync(cluster, spec, "third", cancellation);

        Assert.All(new[] { first, second, third }, s => Assert.True(s.State == JobState.Succeeded, s.Error));
        Assert.Equal(["m1: False", "m2: False", "m3: False"], JobRuns.CachedStatistics(models.PathOf("first")));
        Assert.Equal(["m1: True", "m2: True", "m3: True"], JobRuns.CachedStatistics(models.PathOf("second")));
        Assert.Equal(["m1: True", "m2: False", "m3: True"], JobRuns.CachedStatistics(models.PathOf("third")));
        // Reused statistics are the computed ones: the same bytes.
        Assert.Equal(AlignedClassifiers.ModelFiles(models.PathOf("first")), AlignedClassifiers.ModelFiles(models.PathOf("second")));
        Assert.NotEqual(AlignedClassifiers.ModelFiles(models.PathOf("first")), AlignedClassifiers.ModelFiles(models.PathOf("third")));
        // Four files: three models, and m2's second dataset.
        Assert.Equal(4, Directory.GetFiles(Path.Combine(models.Folder, StatisticsCache.FolderName), "*.safetensors").Length);
    }

    public void Dispose() => models.Dispose();

    private static void AssertBackboneEqual(NamedTensors expected, NamedTensors merged)
    {
        Assert.Equal(MultiTaskNetwork.BackboneNames(2), expected.Names);
        foreach (var name in expected.Names)
        {
            Assert.Equal(Floats(expected[name]), Floats(merged[name]));
        }
    }
}
