using FusionCluster.Evaluation.DataAware;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.MultiTask;
using FusionCluster.Grains.Abstractions;
using static FusionCluster.Grains.Tests.Jobs.DataAwareClassifiers;
using static TorchSharp.torch;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// AdaMerging as a merge job: one unit learns the coefficients on a worker silo (the in-process method's code, on the
/// models' held-out inputs, each model's last layer as its task head), the merge units apply them, and the report
/// records them. Coefficients and backbone must be the in-process method's exactly, on one silo and on three.
/// </summary>
public sealed class AdaMergingJobTests : IDisposable
{
    private const int Steps = 6;
    private const int Batch = 8;
    private const double Rate = 0.05;
    private const ulong Seed = 5;

    private readonly DataAwareClassifiers models = new();

    [Fact]
    public async Task An_adamerging_job_learns_the_in_process_coefficients_and_applies_them_bit_for_bit_on_one_silo_and_three()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await OneAndThreeSilos.AssertSameBytesAsync(models.Folder, Spec(), "one", "three", cancellation, onOne: async (one, _) =>
        {
            var units = await one.Client.GetGrain<IMergeJobGrain>(JobRuns.JobId("one")).GetUnits();
            Assert.Equal(["coefficients"], units.Where(u => u.Phase == "statistics").Select(u => u.Name));
        });

        // The in-process method on the same inputs: m1 is the base, m2 and m3 the fine-tunes with their heads and held-out data.
        var (expected, merged) = InProcess();
        using (merged)
        {
            var report = JobRuns.Report(models.PathOf("one"))["statistics"]!;
            Assert.Equal("m1", report["base_model"]!.GetValue<string>());
            var names = MultiTaskNetwork.BackboneNames(2);
            for (var i = 0; i < 2; i++)
            {
                var row = report["coefficients"]![$"m{i + 2}"]!.AsObject();
                Assert.Equal(names, row.Select(c => c.Key));
                Assert.Equal(Enumerable.Range(0, names.Count).Select(k => expected[i, k]), row.Select(c => c.Value!.GetValue<double>()));
            }

            // Learning moved the coefficients from the paper's 0.3.
            Assert.Contains(expected.Cast<double>(), l => l != AdaMergingMethod.InitialCoefficient);

            using var output = models.Load("one");
            foreach (var name in names)
            {
                Assert.Equal(Floats(merged[name]), Floats(output[name]));
            }

            // The last layer (the heads, kept apart by the paper) is task arithmetic at the initial λ = 0.3, by hand in float64.
            using var base0 = models.Load("m1");
            using var m2 = models.Load("m2");
            using var m3 = models.Load("m3");
            var weight = MultiTaskNetwork.Weight(2);
            var b = Floats(base0[weight]);
            var (x2, x3) = (Floats(m2[weight]), Floats(m3[weight]));
            Assert.Equal(b.Select((v, e) => (float)(v + ((x2[e] - (double)v) * 0.3) + ((x3[e] - (double)v) * 0.3))), Floats(output[weight]));
        }
    }

    public void Dispose() => models.Dispose();

    private (double[,] Coefficients, NamedTensors Merged) InProcess()
    {
        var last = 2;
        NamedTensors Backbone(NamedTensors classifier)
        {
            var backbone = new NamedTensors();
            foreach (var name in MultiTaskNetwork.BackboneNames(last))
            {
                backbone.Add(name, classifier[name].clone());
            }

            return backbone;
        }

        using var baseClassifier = models.Load("m1");
        using var pretrained = Backbone(baseClassifier);
        var backbones = new List<NamedTensors>();
        var heads = new List<NamedTensors>();
        var inputs = new List<Tensor>();
        try
        {
            foreach (var name in new[] { "m2", "m3" })
            {
                using var classifier = models.Load(name);
                backbones.Add(Backbone(classifier));
                var head = new NamedTensors();
                head.Add(MultiTaskNetwork.HeadWeight, classifier[MultiTaskNetwork.Weight(last)].clone());
                head.Add(MultiTaskNetwork.HeadBias, classifier[MultiTaskNetwork.Bias(last)].clone());
                heads.Add(head);
                var data = ImageDatasetFile.Read(models.DatasetPath(name));
                inputs.Add(MultiTaskNetwork.Inputs(data, data.Indices(DatasetSplit.HeldOut)));
            }

            var coefficients = AdaMergingMethod.Learn(pretrained, backbones, heads, inputs, Steps, Batch, Rate, Seed, TestContext.Current.CancellationToken);
            return (coefficients, AdaMergingMethod.Combine(pretrained, backbones, coefficients));
        }
        finally
        {
            backbones.ForEach(m => m.Dispose());
            heads.ForEach(h => h.Dispose());
            inputs.ForEach(i => i.Dispose());
        }
    }

    private static string Spec()
    {
        var ext = ImageDatasetFile.Extension;
        return $"merge_method: adamerging\nbase_model: m1\nmodels:\n  - {{model: m2, dataset: m2{ext}}}\n  - {{model: m3, dataset: m3{ext}}}\nparameters: {{steps: {Steps}, batch_size: {Batch}, lr: {Rate}, seed: {Seed}}}\ndtype: float32\n";
    }
}
