using System.Globalization;
using System.Text.Json.Nodes;
using FusionCluster.Alignment.Jobs;
using FusionCluster.Connectivity.Jobs;
using FusionCluster.Core.Execution;
using FusionCluster.Grains.Abstractions;
using FusionCluster.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// align: {method: activation_matching, dataset: a text file} in merge jobs of llama checkpoints: the align units
/// run both language models forward on the text on worker silos, and the merge units read the aligned model
/// through the permutations found. A randomly permuted copy must be matched back exactly, so that its merge with
/// the original is the original's merge with itself, byte for byte, on any topology.
/// </summary>
public sealed class MergeJobGrainLanguageActivationMatchingTests(TrainedLanguageModelFolder models) : IClassFixture<TrainedLanguageModelFolder>
{
    private const int Samples = 40;

    [Fact]
    public async Task Activation_matching_recovers_a_randomly_permuted_llama_so_the_merge_is_the_originals_byte_for_byte()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);

        var expected = await models.RunJobAsync(cluster, Spec(["lm-1", "lm-1-copy"], align: false), "lm-expected", cancellation);
        var aligned = await models.RunJobAsync(cluster, Spec(["lm-1", "lm-1-permuted"], align: true), "lm-aligned", cancellation);
        var naive = await models.RunJobAsync(cluster, Spec(["lm-1", "lm-1-permuted"], align: false), "lm-naive", cancellation);

        Assert.True(expected.State == JobState.Succeeded, expected.Error);
        Assert.True(aligned.State == JobState.Succeeded, aligned.Error);
        Assert.True(naive.State == JobState.Succeeded, naive.Error);
        var files = AlignedClassifiers.ModelFiles(models.PathOf("lm-expected"));
        Assert.Equal(files, AlignedClassifiers.ModelFiles(models.PathOf("lm-aligned")));
        Assert.NotEqual(files["model.safetensors"], AlignedClassifiers.ModelFiles(models.PathOf("lm-naive"))["model.safetensors"]);

        var units = await cluster.Client.GetGrain<IMergeJobGrain>(JobRuns.JobId("lm-aligned")).GetUnits();
        Assert.Equal("align lm-1-permuted", Assert.Single(units, u => u.Phase == "align").Name);

        // The report: per group of the llama spec, as many units moved as the shuffle moved.
        var report = JobRuns.Report(models.PathOf("lm-aligned"))["alignment"]!;
        Assert.Equal("activation_matching", report["method"]!.GetValue<string>());
        var groups = report["models"]!["lm-1-permuted"]!["groups"]!.AsObject();
        Assert.Equal(models.Applied.Keys.Order(), groups.Select(g => g.Key).Order());
        foreach (var (group, permutation) in models.Applied)
        {
            Assert.Equal(permutation.Where((from, to) => from != to).Count(), groups[group]!["units_moved"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task Three_silos_match_llama_activations_and_publish_the_same_bytes_as_one_silo()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var spec = Spec(["lm-1", "lm-1-permuted", "lm-2"], align: true);
        await OneAndThreeSilos.AssertSameBytesAsync(models.Folder, spec, "lm-one-silo", "lm-three-silos", cancellation, onThree: async (three, _) =>
        {
            var units = await three.Client.GetGrain<IMergeJobGrain>(JobRuns.JobId("lm-three-silos")).GetUnits();
            Assert.Equal(["align lm-1-permuted", "align lm-2"], units.Where(u => u.Phase == "align").Select(u => u.Name));
        });
    }

    [Fact]
    public async Task Matching_in_passes_of_one_block_publishes_the_bytes_and_report_of_one_pass()
    {
        var cancellation = TestContext.Current.CancellationToken;
        // One block's correlation state of these llamas (hidden 32, FFN 48, 2 KV heads), by hand: the residual's
        // running similarity 8·32², sums of 8·(32² + 4·32) at the residual and at o_proj's input and 8·(48² + 4·48)
        // at the FFN, and the FFN's scores 4·48². Two blocks would need 38,400 bytes more.
        const long oneBlock = 8192 + (2 * 9216) + 19968 + 9216;
        var spec = Spec(["lm-1", "lm-2"], align: true);
        foreach (var (budget, output) in new[] { (long.MaxValue, "lm-one-pass"), (oneBlock, "lm-block-passes") })
        {
            await using var cluster = await WorkerCluster.StartAsync(unitSlots: 1, silos: 1, services: s => s.AddSingleton<IDataAlignment>(new JobDataAlignment(stateBudgetBytes: budget)));
            var status = await models.RunJobAsync(cluster, spec, output, cancellation);
            Assert.True(status.State == JobState.Succeeded, status.Error);
        }

        Assert.Equal(AlignedClassifiers.ModelFiles(models.PathOf("lm-one-pass")), AlignedClassifiers.ModelFiles(models.PathOf("lm-block-passes")));
        Assert.Equal(AlignmentReport("lm-one-pass"), AlignmentReport("lm-block-passes"));
        // Models trained from different seeds: a matching that moves units, so the passes had something to agree on.
        var groups = JsonNode.Parse(AlignmentReport("lm-one-pass"))!["models"]!["lm-2"]!["groups"]!.AsObject();
        Assert.Contains(groups, g => g.Value!["units_moved"]!.GetValue<int>() > 0);
    }

    [Fact]
    public async Task Killing_a_silo_during_the_align_phase_of_llama_activation_matching_changes_no_byte()
    {
        var cancellation = TestContext.Current.CancellationToken;
        // Align units are held a few seconds (then run for real), so that one is still running when its silo dies;
        // the job lives on the coordinator, where no unit runs, so its one align unit's silo can always be killed.
        await using var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellation);
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 1, firstSiloIsCoordinator: true, services: s => s.AddSingleton<IInputAlignment, DelayedAlignment>(), store: redis);
        var spec = Spec(["lm-1", "lm-2"], align: true);

        var undisturbed = await models.RunJobAsync(cluster, spec, "lm-undisturbed", cancellation);
        Assert.True(undisturbed.State == JobState.Succeeded, undisturbed.Error);
        Assert.Equal(0, undisturbed.Retries);

        var request = new MergeRequest { SpecText = spec, SpecDirectory = models.Folder, Output = models.PathOf("lm-killed") };
        var (disturbed, killed) = await SiloKills.RunKillingAsync(cluster, await SiloKills.JobOnFirstSiloAsync(cluster, JobRuns.JobId("lm-killed")), request, "align", cancellation);

        Assert.True(killed, "no silo was running an align unit to kill");
        Assert.True(disturbed.State == JobState.Succeeded, disturbed.Error);
        Assert.True(disturbed.Retries > 0, "the killed silo's align unit must have run again");
        Assert.Equal(AlignedClassifiers.ModelFiles(models.PathOf("lm-undisturbed")), AlignedClassifiers.ModelFiles(models.PathOf("lm-killed")));
    }

    [Fact]
    public async Task REPAIR_of_llama_checkpoints_is_refused_before_any_unit_runs()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 1, silos: 1);

        var status = await models.RunJobAsync(cluster, Spec(["lm-1", "lm-2"], align: true) + "  repair: true\n", "lm-repair", cancellation);

        Assert.Equal(JobState.Failed, status.State);
        Assert.StartsWith("model 'lm-1': REPAIR in merge jobs corrects the classifiers fusion train makes", status.Error, StringComparison.Ordinal);
        Assert.Equal(0, status.UnitsTotal);
    }

    private static string Spec(IReadOnlyList<string> names, bool align)
    {
        var weight = (1.0 / names.Count).ToString(CultureInfo.InvariantCulture);
        var lines = names.Select(n => $"  - {{model: {n}, parameters: {{weight: {weight}}}}}");
        var section = align ? $"align:\n  method: activation_matching\n  dataset: {TrainedLanguageModelFolder.TextFile}\n  samples: {Samples}\n  seed: 4\n" : "";
        return $"merge_method: linear\nmodels:\n{string.Join('\n', lines)}\n{section}";
    }

    /// <summary>The report's alignment section, as written.</summary>
    private string AlignmentReport(string output) =>
        JobRuns.Report(models.PathOf(output))["alignment"]!.ToJsonString();
}
