using System.Globalization;
using FusionCluster.Alignment.Assignment;
using FusionCluster.Alignment.Permutations;
using FusionCluster.Alignment.Specs;
using FusionCluster.Connectivity.Matching;
using FusionCluster.Connectivity.Networks;
using FusionCluster.Connectivity.Repair;
using FusionCluster.Core.Formats;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// align: {method: activation_matching} in merge jobs, on MLPs trained on real digits from different seeds: the
/// align units run both models forward on the dataset on worker silos, and the job publishes exactly what
/// merging with a copy permuted in process by <c>fusion connect</c>'s activation matching gives, on any topology.
/// </summary>
public sealed class MergeJobGrainActivationMatchingTests(TrainedClassifierFolder models) : IClassFixture<TrainedClassifierFolder>
{
    private const int Samples = 600;
    private const int Seed = 3;

    [Fact]
    public async Task An_activation_matching_job_publishes_the_merge_of_the_model_permuted_in_process_byte_for_byte()
    {
        var cancellation = TestContext.Current.CancellationToken;

        // The expectation, independent of jobs: Connectivity's in-process matching on the same sample draw
        // (the training split, Samples drawn by Seed), its permutations written into a permuted copy.
        using (var a = ClassifierWeights.Load(models.PathOf("mlp-1")))
        using (var b = ClassifierWeights.Load(models.PathOf("mlp-2")))
        using (var samples = LabelledSamples.From(models.Dataset, DatasetSplit.Train, Samples, Seed))
        {
            var permutations = ActivationMatcher.Match(a, b, samples.Inputs, new JonkerVolgenantSolver());
            Assert.Contains(permutations.Values, p => p.Where((from, to) => from != to).Any());
            using var checkpoint = CheckpointFolder.Open(models.PathOf("mlp-2"));
            var shapes = checkpoint.TensorNames.ToDictionary(n => n, n => checkpoint.GetEntry(n).Shape, StringComparer.Ordinal);
            PermutedCheckpointWriter.Write(checkpoint, new PermutedTensorMap(ClassifierPermutationSpec.Derive(shapes, "mlp-2"), permutations), models.PathOf("mlp-2-in-process"), cancellation);
        }

        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);
        var expected = await models.RunJobAsync(cluster, Spec(["mlp-1", "mlp-2-in-process"], align: false), "expected", cancellation);
        var aligned = await models.RunJobAsync(cluster, Spec(["mlp-1", "mlp-2"], align: true), "aligned", cancellation);
        var naive = await models.RunJobAsync(cluster, Spec(["mlp-1", "mlp-2"], align: false), "naive", cancellation);

        Assert.True(expected.State == JobState.Succeeded, expected.Error);
        Assert.True(aligned.State == JobState.Succeeded, aligned.Error);
        Assert.True(naive.State == JobState.Succeeded, naive.Error);
        Assert.Equal(AlignedClassifiers.ModelFiles(models.PathOf("expected")), AlignedClassifiers.ModelFiles(models.PathOf("aligned")));

        var units = await cluster.Client.GetGrain<IMergeJobGrain>("job-aligned").GetUnits();
        Assert.Equal("align mlp-2", Assert.Single(units, u => u.Phase == "align").Name);
        var report = JobRuns.Report(models.PathOf("aligned"))["alignment"]!;
        Assert.Equal("activation_matching", report["method"]!.GetValue<string>());
        foreach (var (group, node) in report["models"]!["mlp-2"]!["groups"]!.AsObject())
        {
            // Matching maximises the summed correlation, so it is never below the identity's.
            Assert.True(node!["objective_after"]!.GetValue<double>() >= node["objective_before"]!.GetValue<double>(), group);
        }

        // Aligned, the midpoint of independently trained models loses less on held-out digits than naively.
        using var heldOut = LabelledSamples.From(models.Dataset, DatasetSplit.HeldOut);
        using var alignedMidpoint = ClassifierWeights.Load(models.PathOf("aligned"));
        using var naiveMidpoint = ClassifierWeights.Load(models.PathOf("naive"));
        var alignedScore = ClassifierScorer.Score(alignedMidpoint, heldOut);
        var naiveScore = ClassifierScorer.Score(naiveMidpoint, heldOut);
        Assert.True(alignedScore.Loss < naiveScore.Loss, $"aligned midpoint loss {alignedScore.Loss} should be below the naive {naiveScore.Loss}");
    }

    [Fact]
    public async Task Three_silos_match_activations_of_two_models_and_publish_the_same_bytes_as_one_silo()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var spec = Spec(["mlp-1", "mlp-2", "mlp-3"], align: true);
        await OneAndThreeSilos.AssertSameBytesAsync(models.Folder, spec, "one-silo", "three-silos", cancellation, onThree: async (three, _) =>
        {
            var units = await three.Client.GetGrain<IMergeJobGrain>("job-three-silos").GetUnits();
            Assert.Equal(["align mlp-2", "align mlp-3"], units.Where(u => u.Phase == "align").Select(u => u.Name));
        });
    }

    [Fact]
    public async Task A_repair_job_resets_every_hidden_unit_to_the_interpolated_statistics_and_beats_the_naive_midpoint()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await WorkerCluster.StartAsync(unitSlots: 2, silos: 1);
        var repaired = await models.RunJobAsync(cluster, Spec(["mlp-1", "mlp-2"], align: true, repair: true), "repaired", cancellation);
        var naive = await models.RunJobAsync(cluster, Spec(["mlp-1", "mlp-2"], align: false), "naive-for-repair", cancellation);
        Assert.True(repaired.State == JobState.Succeeded, repaired.Error);
        Assert.True(naive.State == JobState.Succeeded, naive.Error);

        // REPAIR's defining property, checked on the output with statistics measured here: on the samples it was
        // fitted on, each hidden unit of the merge has the mean and standard deviation halfway between those of
        // the reference and of the model permuted as Connectivity's activation matching permutes it.
        using var a = ClassifierWeights.Load(models.PathOf("mlp-1"));
        using var b = ClassifierWeights.Load(models.PathOf("mlp-2"));
        using var samples = LabelledSamples.From(models.Dataset, DatasetSplit.Train, Samples, Seed);
        using var aligned = UnitPermutations.Apply(b, UnitPermutations.SpecOf(b, "mlp-2"), ActivationMatcher.Match(a, b, samples.Inputs, new JonkerVolgenantSolver()));
        using var merged = ClassifierWeights.Load(models.PathOf("repaired"));
        var start = UnitStatistics.Measure(a, samples.Inputs);
        var end = UnitStatistics.Measure(aligned, samples.Inputs);
        var measured = UnitStatistics.Measure(merged, samples.Inputs);
        for (var layer = 0; layer < measured.Count; layer++)
        {
            for (var unit = 0; unit < measured[layer].Units; unit++)
            {
                var goalMean = (start[layer].Mean[unit] + end[layer].Mean[unit]) / 2;
                var goalStd = (start[layer].Std[unit] + end[layer].Std[unit]) / 2;
                Assert.True(Math.Abs(measured[layer].Mean[unit] - goalMean) < 1e-3 * (1 + Math.Abs(goalMean)), $"layer {layer} unit {unit}: mean {measured[layer].Mean[unit]}, goal {goalMean}");
                Assert.True(Math.Abs(measured[layer].Std[unit] - goalStd) < 1e-3 * (1 + goalStd), $"layer {layer} unit {unit}: std {measured[layer].Std[unit]}, goal {goalStd}");
            }
        }

        var report = JobRuns.Report(models.PathOf("repaired"))["alignment"]!;
        Assert.Equal(0.5, report["repair"]!["alpha"]!.GetValue<double>());

        using var heldOut = LabelledSamples.From(models.Dataset, DatasetSplit.HeldOut);
        using var naiveMidpoint = ClassifierWeights.Load(models.PathOf("naive-for-repair"));
        var repairedScore = ClassifierScorer.Score(merged, heldOut);
        var naiveScore = ClassifierScorer.Score(naiveMidpoint, heldOut);
        TestContext.Current.SendDiagnosticMessage($"held-out accuracy: naive midpoint {naiveScore.Accuracy:F3}, activation matching + REPAIR {repairedScore.Accuracy:F3}");
        Assert.True(repairedScore.Accuracy > naiveScore.Accuracy, $"repaired midpoint accuracy {repairedScore.Accuracy} should beat the naive {naiveScore.Accuracy}");
    }

    private static string Spec(IReadOnlyList<string> names, bool align, bool repair = false)
    {
        var weight = (1.0 / names.Count).ToString(CultureInfo.InvariantCulture);
        var lines = names.Select(n => $"  - {{model: {n}, parameters: {{weight: {weight}}}}}");
        var section = align ? $"align:\n  method: activation_matching\n  dataset: {TrainedClassifierFolder.DatasetFile}\n  samples: {Samples}\n  seed: {Seed}\n" : "";
        return $"merge_method: linear\nmodels:\n{string.Join('\n', lines)}\n{section}" + (repair ? "  repair: true\n" : "");
    }
}
