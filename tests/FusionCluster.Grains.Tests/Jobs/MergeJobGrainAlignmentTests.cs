using FusionCluster.Core.Execution;
using FusionCluster.Grains.Abstractions;
using FusionCluster.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// Jobs whose spec has an align: section: weight matching runs as the job's first phase on worker silos,
/// and the merge units read the permuted models through the permutations found. Recovering randomly
/// permuted copies must give, byte for byte, the merge of the unpermuted models, on any number of silos
/// and after a silo dies mid-alignment.
/// </summary>
public sealed class MergeJobGrainAlignmentTests : IDisposable
{
    private readonly AlignedClassifiers models = new();

    [Fact]
    public async Task Aligning_a_randomly_permuted_MLP_in_a_job_recovers_the_merge_of_the_original_byte_for_byte()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);

        var original = await models.RunJobAsync(cluster, Spec(["mlp-a", "mlp-b"], align: false), "original", cancellation);
        var aligned = await models.RunJobAsync(cluster, Spec(["mlp-a", "mlp-b-permuted"], align: true), "aligned", cancellation);
        var unaligned = await models.RunJobAsync(cluster, Spec(["mlp-a", "mlp-b-permuted"], align: false), "unaligned", cancellation);

        Assert.True(original.State == JobState.Succeeded, original.Error);
        Assert.True(aligned.State == JobState.Succeeded, aligned.Error);
        var expected = AlignedClassifiers.ModelFiles(models.PathOf("original"));
        Assert.Equal(expected, AlignedClassifiers.ModelFiles(models.PathOf("aligned")));
        Assert.NotEqual(expected["model.safetensors"], AlignedClassifiers.ModelFiles(models.PathOf("unaligned"))["model.safetensors"]);
        Assert.Equal(JobState.Succeeded, unaligned.State);

        // The job ran two phases: one alignment unit, then the merge units.
        var units = await cluster.Client.GetGrain<IMergeJobGrain>("job-aligned").GetUnits();
        var align = Assert.Single(units, u => u.Phase == "align");
        Assert.Equal("align mlp-b-permuted", align.Name);
        Assert.All(units.Where(u => u != align), u => Assert.Equal("merge", u.Phase));
        Assert.Equal(original.UnitsTotal + 1, units.Count);

        // The report: per group, as many units moved as the shuffle moved, and the matching objective raised.
        var report = JobRuns.Report(models.PathOf("aligned"));
        var alignment = report["alignment"]!;
        Assert.Equal("weight_matching", alignment["method"]!.GetValue<string>());
        Assert.Equal("mlp-a", alignment["reference"]!.GetValue<string>());
        var groups = alignment["models"]!["mlp-b-permuted"]!["groups"]!.AsObject();
        Assert.Equal(models.Applied["mlp-b"].Keys.Order(), groups.Select(g => g.Key).Order());
        foreach (var (group, permutation) in models.Applied["mlp-b"])
        {
            Assert.Equal(permutation.Where((from, to) => from != to).Count(), groups[group]!["units_moved"]!.GetValue<int>());
            Assert.True(groups[group]!["objective_after"]!.GetValue<double>() > groups[group]!["objective_before"]!.GetValue<double>(), group);
        }

        Assert.Equal(original.UnitsTotal, report["units"]!.AsArray().Count);
    }

    [Fact]
    public async Task Three_silos_align_two_models_in_parallel_and_publish_the_same_bytes_as_one_silo()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var spec = Spec(["mlp-a", "mlp-b-permuted", "mlp-c-permuted"], align: true);
        var aligned = await OneAndThreeSilos.AssertSameBytesAsync(
            models.Folder,
            spec,
            "one-silo",
            "three-silos",
            cancellation,
            onOne: async (one, _) =>
            {
                var original = await models.RunJobAsync(one, Spec(["mlp-a", "mlp-b", "mlp-c"], align: false), "original", cancellation);
                Assert.True(original.State == JobState.Succeeded, original.Error);
            },
            onThree: async (three, _) =>
            {
                var units = await three.Client.GetGrain<IMergeJobGrain>("job-three-silos").GetUnits();
                Assert.Equal(["align mlp-b-permuted", "align mlp-c-permuted"], units.Where(u => u.Phase == "align").Select(u => u.Name));
                TestContext.Current.SendDiagnosticMessage($"alignment units ran on: {string.Join(", ", units.Where(u => u.Phase == "align").Select(u => u.Silo))}");
            });

        Assert.Equal(AlignedClassifiers.ModelFiles(models.PathOf("original")), aligned);
    }

    [Fact]
    public async Task Killing_a_silo_during_the_align_phase_changes_no_byte()
    {
        var cancellation = TestContext.Current.CancellationToken;
        // Alignment units are held a few seconds (then run for real), so that one is still running when its silo dies.
        await using var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellation);
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 1, services: s => s.AddSingleton<IInputAlignment, DelayedAlignment>(), store: redis);
        var spec = Spec(["mlp-a", "mlp-b-permuted", "mlp-c-permuted"], align: true);

        var undisturbed = await models.RunJobAsync(cluster, spec, "undisturbed", cancellation);
        Assert.True(undisturbed.State == JobState.Succeeded, undisturbed.Error);
        Assert.Equal(0, undisturbed.Retries);

        var (disturbed, killed) = await SiloKills.RunKillingAsync(
            cluster, "job-killed", new MergeRequest { SpecText = spec, SpecDirectory = models.Folder, Output = models.PathOf("killed") }, "align", cancellation);

        Assert.True(killed, "no silo other than the job's was running an alignment unit to kill");
        Assert.True(disturbed.State == JobState.Succeeded, disturbed.Error);
        Assert.True(disturbed.Retries > 0, "the killed silo's alignment unit must have run again");
        Assert.Equal(AlignedClassifiers.ModelFiles(models.PathOf("undisturbed")), AlignedClassifiers.ModelFiles(models.PathOf("killed")));
    }

    [Fact]
    public async Task The_preview_lists_the_align_phase_before_the_merge_units()
    {
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 1, silos: 1);
        var request = new MergeRequest { SpecText = Spec(["mlp-a", "mlp-b-permuted", "mlp-c-permuted"], align: true), SpecDirectory = models.Folder, Output = "/unused" };

        var preview = await cluster.Client.GetGrain<IPlannerGrain>(0).Preview(request);

        Assert.Null(preview.Error);
        var plain = await cluster.Client.GetGrain<IPlannerGrain>(0).Preview(request with { SpecText = Spec(["mlp-a", "mlp-b"], align: false) });
        Assert.Equal(plain.Units + 2, preview.Units);
        Assert.Equal(["align mlp-b-permuted", "align mlp-c-permuted", .. plain.UnitNames], preview.UnitNames);
        Assert.Equal(["align", "align", .. plain.UnitNames.Select(_ => "merge")], preview.UnitPhases);
    }

    [Fact]
    public async Task A_model_no_permutation_spec_covers_fails_the_job_before_any_unit_runs()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 1, silos: 1);

        var status = await models.RunJobAsync(cluster, Spec(["mlp-a", "mlp-unknown"], align: true), "unknown", cancellation);

        Assert.Equal(JobState.Failed, status.State);
        // Refused while planning, on the headers: no unit was planned, none ran.
        Assert.StartsWith("model 'mlp-unknown': cannot derive a permutation spec (model_type 'unknown-net'", status.Error, StringComparison.Ordinal);
        Assert.Equal(0, status.UnitsTotal);
        Assert.False(Directory.Exists(models.PathOf("unknown")) && Directory.EnumerateFileSystemEntries(models.PathOf("unknown")).Any(), "a job failed while planning leaves nothing");
    }

    public void Dispose() => models.Dispose();

    private static string Spec(IReadOnlyList<string> names, bool align)
    {
        var weight = 1.0 / names.Count;
        var lines = names.Select(n => $"  - {{model: {n}, parameters: {{weight: {weight.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}}}");
        return $"merge_method: linear\nmodels:\n{string.Join('\n', lines)}\n" + (align ? "align:\n  method: weight_matching\n" : "");
    }
}
