using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.DataAware;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.MultiTask;
using FusionCluster.Evaluation.Tests.Support;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Tests.DataAware;

[Collection(TorchCollection.Name)]
public sealed class RegMeanPlusPlusMethodTests
{
    private const int Samples = 40;

    [Fact]
    public void Regmean_plus_plus_merges_layer_0_as_regmean_and_later_layers_on_what_the_merged_layers_give()
    {
        var random = new DeterministicRandom(11);
        using var pretrained = MultiTaskNetwork.InitialBackbone(9, [7, 5], random);
        var models = Enumerable.Range(0, 3).Select(m => Model($"m{m}", pretrained, random)).ToList();
        var folder = Directory.CreateTempSubdirectory("fusion-regmean-pp-").FullName;
        try
        {
            var inputs = new DataAwareMergeInputs(pretrained, models, new MergeStatistics(folder, Samples));
            using var plusPlus = new RegMeanPlusPlusMethod(alpha: 0.7).Merge(inputs, TestContext.Current.CancellationToken);
            using var regMean = new RegMeanMethod(alpha: 0.7).Merge(inputs, TestContext.Current.CancellationToken);

            Assert.Equal(MultiTaskNetwork.BackboneNames(2), plusPlus.Names);
            // Layer 0 sees the pixels either way: RegMean's bytes.
            Assert.Equal(Floats(regMean[MultiTaskNetwork.Weight(0)]), Floats(plusPlus[MultiTaskNetwork.Weight(0)]));
            // Biases are averages, as RegMean's.
            Assert.Equal(Floats(regMean[MultiTaskNetwork.Bias(1)]), Floats(plusPlus[MultiTaskNetwork.Bias(1)]));
            // Layer 1 against its definition in float64: each model's samples through the merged layer 0, then the regularised solve.
            // The float32 forward pass and Gram matrices differ from float64 in the last digits, which the solve amplifies.
            var expected = LayerOneByDefinition(models, plusPlus, 0.7);
            var actual = Floats(plusPlus[MultiTaskNetwork.Weight(1)]);
            for (var e = 0; e < expected.Length; e++)
            {
                if (!(Math.Abs(expected[e] - actual[e]) <= 5e-3 * Math.Max(1, Math.Abs(expected[e]))))
                {
                    Assert.Fail($"element {e}: expected {expected[e]}, got {actual[e]}");
                }
            }

            // And the definition is far closer to it than to RegMean's layer 1 (each model's own layer 0 outputs).
            var regMeanLayer = Floats(regMean[MultiTaskNetwork.Weight(1)]);
            var toPlusPlus = expected.Zip(actual, (x, y) => Math.Abs(x - y)).Max();
            var toRegMean = expected.Zip(regMeanLayer, (x, y) => Math.Abs(x - y)).Max();
            Assert.True(toPlusPlus * 10 < toRegMean, $"largest difference to the definition: RegMean++ {toPlusPlus}, RegMean {toRegMean}");
        }
        finally
        {
            models.ForEach(m => { m.Backbone.Dispose(); m.Head.Dispose(); });
            Directory.Delete(folder, recursive: true);
        }
    }

    private static float[] LayerOneByDefinition(IReadOnlyList<DataAwareModel> models, NamedTensors merged, double ratio)
    {
        using var scope = NewDisposeScope();
        Tensor? lhs = null;
        Tensor? rhs = null;
        var grams = new List<Tensor>();
        foreach (var model in models)
        {
            var pixels = new double[Samples * model.Data.SampleSize];
            for (var s = 0; s < Samples; s++)
            {
                var image = model.Data.Image(s);
                for (var p = 0; p < model.Data.SampleSize; p++)
                {
                    pixels[(s * model.Data.SampleSize) + p] = image[p] / 255.0;
                }
            }

            var h = nn.functional.relu(tensor(pixels, [Samples, model.Data.SampleSize]).matmul(merged[MultiTaskNetwork.Weight(0)].to(float64).t()) + merged[MultiTaskNetwork.Bias(0)].to(float64));
            var gram = h.t().matmul(h) / Samples;
            grams.Add(gram);
            var scaled = (gram * ratio) + (diag(gram.diagonal()) * (1 - ratio));
            lhs = lhs is null ? scaled : lhs + scaled;
            var term = scaled.matmul(model.Backbone[MultiTaskNetwork.Weight(1)].to(float64).t());
            rhs = rhs is null ? term : rhs + term;
        }

        // RegMean's documented ridge: 1e-6 of the largest Gram diagonal entry, once per model.
        var ridge = RegMeanMergeMethod.Ridge * grams.Max(g => g.diagonal().max().item<double>());
        using var solved = linalg.solve(lhs! + (eye(lhs!.shape[0], dtype: float64) * (ridge * grams.Count)), rhs!).t().to(float32).contiguous();
        return solved.data<float>().ToArray();
    }

    private static DataAwareModel Model(string name, NamedTensors pretrained, DeterministicRandom random)
    {
        var backbone = new NamedTensors();
        foreach (var (tensorName, value) in pretrained.Entries)
        {
            var noise = new float[value.NumberOfElements];
            for (var i = 0; i < noise.Length; i++)
            {
                noise[i] = (float)(((2 * random.NextDouble()) - 1) * 0.3);
            }

            using var delta = tensor(noise, value.shape);
            backbone.Add(tensorName, value + delta);
        }

        // 3x3 images: 50 training and 5 held-out samples of random pixels.
        var pixels = new byte[55 * 9];
        for (var p = 0; p < pixels.Length; p++)
        {
            pixels[p] = (byte)random.NextInt(256);
        }

        var labels = Enumerable.Range(0, 55).Select(s => (byte)(s % 4)).ToArray();
        var data = new ImageDataset(50, 5, 1, 3, 3, 4, pixels, labels);
        return new DataAwareModel(name, backbone, MultiTaskNetwork.InitialHead(5, 4, random), data, $"{name}-fingerprint-0123456789abcdef");
    }

    private static float[] Floats(Tensor value)
    {
        using var contiguous = value.detach().to(float32).contiguous();
        return contiguous.data<float>().ToArray();
    }
}
