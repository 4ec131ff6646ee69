using System.Security.Cryptography;
using System.Text;
using FusionCluster.Core.Formats;
using FusionCluster.Evaluation.DataAware;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Core.Methods;
using FusionCluster.Evaluation.MultiTask;
using FusionCluster.Grains.Abstractions;
using Orleans.TestingHost;
using static TorchSharp.torch;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// A folder of MLP classifiers (by default three of 36-16-12-4: layers.0 .. layers.2, the last giving the logits), each
/// a perturbation of one shared network, and for each a dataset file (.fcds) of square images (6x6 by default) in
/// <c>Widths[^1]</c> classes whose pixels follow that model's own pattern, so their Gram matrices and Fishers differ;
/// with the helpers the data-aware job tests share to run jobs in it and check what they wrote.
/// </summary>
public sealed class DataAwareClassifiers : IDisposable
{
    private readonly int side;
    private readonly int trainSamples;

    public DataAwareClassifiers(int[]? widths = null, int models = 3, int side = 6, int trainSamples = 60)
    {
        Widths = widths ?? [36, 16, 12, 4];
        Names = Enumerable.Range(1, models).Select(m => $"m{m}").ToArray();
        this.side = side;
        this.trainSamples = trainSamples;
        Folder = Directory.CreateTempSubdirectory("fusion-data-aware-job-").FullName;
        var random = new Random(7);
        var shared = Widths.Skip(1).Select((width, l) => Values(random, width * Widths[l], 0.5)).ToList();
        for (var m = 0; m < Names.Length; m++)
        {
            using var model = new NamedTensors();
            for (var l = 0; l < Widths.Length - 1; l++)
            {
                var weight = shared[l].Zip(Values(random, shared[l].Length, 0.1), (a, b) => a + b).ToArray();
                model.Add(MultiTaskNetwork.Weight(l), tensor(weight, [Widths[l + 1], Widths[l]]));
                model.Add(MultiTaskNetwork.Bias(l), tensor(Values(random, Widths[l + 1], 0.1), [Widths[l + 1]]));
            }

            model.Save(Path.Combine(Folder, Names[m], CheckpointFolder.SingleFileName));
            ImageDatasetFile.Write(DatasetPath(Names[m]), Dataset(m, random));
        }
    }

    public int[] Widths { get; }

    public string[] Names { get; }

    public string Folder { get; }

    public string PathOf(string name) => Path.Combine(Folder, name);

    public string DatasetPath(string model) => Path.Combine(Folder, model + ImageDatasetFile.Extension);

    /// <summary>A spec merging the three models, each with its dataset.</summary>
    public string Spec(string method, int samples, string extra = "") =>
        $"merge_method: {method}\nmodels:\n{string.Join('\n', Names.Select(n => $"  - {{model: {n}, dataset: {n}{ImageDatasetFile.Extension}}}"))}\nparameters: {{samples: {samples}{extra}}}\ndtype: float32\n";

    /// <summary>Every tensor of a model (or a merge output) in the folder.</summary>
    public NamedTensors Load(string name) => NamedTensors.Load(Path.Combine(Folder, name, CheckpointFolder.SingleFileName));

    /// <summary>The in-process data-aware merge of the backbones (all layers but the last, which is each model's head), as the multi-task benchmark runs it.</summary>
    public NamedTensors InProcess(IDataAwareMergeMethod method, int samples)
    {
        var models = new List<DataAwareModel>();
        var last = Widths.Length - 2;
        try
        {
            foreach (var name in Names)
            {
                using var classifier = Load(name);
                var backbone = new NamedTensors();
                foreach (var tensorName in MultiTaskNetwork.BackboneNames(last))
                {
                    backbone.Add(tensorName, classifier[tensorName].clone());
                }

                var head = new NamedTensors();
                head.Add(MultiTaskNetwork.HeadWeight, classifier[MultiTaskNetwork.Weight(last)].clone());
                head.Add(MultiTaskNetwork.HeadBias, classifier[MultiTaskNetwork.Bias(last)].clone());
                var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
                models.Add(new DataAwareModel(name, backbone, head, ImageDatasetFile.Read(DatasetPath(name)), fingerprint));
            }

            var statistics = new MergeStatistics(Directory.CreateTempSubdirectory("fusion-in-process-statistics-").FullName, samples);
            try
            {
                return method.Merge(new DataAwareMergeInputs(models[0].Backbone, models, statistics));
            }
            finally
            {
                Directory.Delete(statistics.Folder, recursive: true);
            }
        }
        finally
        {
            models.ForEach(m => { m.Backbone.Dispose(); m.Head.Dispose(); });
        }
    }

    /// <summary>Runs a merge job of <paramref name="spec"/> in this folder: <see cref="JobRuns.RunInFolderAsync"/>.</summary>
    public Task<JobStatus> RunJobAsync(InProcessTestCluster cluster, string spec, string output, CancellationToken cancellation) =>
        JobRuns.RunInFolderAsync(cluster, Folder, spec, output, cancellation);

    /// <summary>
    /// RegMean of the last layer from its definition, in float64 with torch: H, each model's first
    /// <paramref name="samples"/> training images through the layers before the last (its own, or
    /// <paramref name="featureLayers"/>' when given), G = H^T H / n, the non-diagonal entries scaled by
    /// <paramref name="ratio"/>, and the documented ridge (1e-6 of the largest Gram diagonal entry, once per model).
    /// </summary>
    public float[] RegMeanOfLastLayer(int samples, double ratio, NamedTensors? featureLayers = null)
    {
        var last = Widths.Length - 2;
        using var scope = NewDisposeScope();
        Tensor? lhs = null;
        Tensor? rhs = null;
        var grams = new List<Tensor>();
        foreach (var name in Names)
        {
            using var model = Load(name);
            var layers = featureLayers ?? model;
            var data = ImageDatasetFile.Read(DatasetPath(name));
            var pixels = new double[samples * data.SampleSize];
            for (var s = 0; s < samples; s++)
            {
                var image = data.Image(s);
                for (var p = 0; p < data.SampleSize; p++)
                {
                    pixels[(s * data.SampleSize) + p] = image[p] / 255.0;
                }
            }

            var h = tensor(pixels, [samples, data.SampleSize]);
            for (var l = 0; l < last; l++)
            {
                h = nn.functional.relu(h.matmul(layers[MultiTaskNetwork.Weight(l)].to(float64).t()) + layers[MultiTaskNetwork.Bias(l)].to(float64));
            }

            var gram = h.t().matmul(h) / samples;
            grams.Add(gram);
            var scaled = (gram * ratio) + (diag(gram.diagonal()) * (1 - ratio));
            var term = scaled.matmul(model[MultiTaskNetwork.Weight(last)].to(float64).t());
            lhs = lhs is null ? scaled : lhs + scaled;
            rhs = rhs is null ? term : rhs + term;
        }

        var ridge = RegMeanMergeMethod.Ridge * grams.Max(g => g.diagonal().max().item<double>());
        var regularised = lhs! + (eye(lhs!.shape[0], dtype: float64) * (ridge * grams.Count));
        using var solved = linalg.solve(regularised, rhs!).t().to(float32).contiguous();
        return solved.data<float>().ToArray();
    }

    public static float[] Floats(Tensor value)
    {
        using var contiguous = value.detach().to(float32).contiguous();
        return contiguous.data<float>().ToArray();
    }

    public static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (!(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i]))))
            {
                Assert.Fail($"element {i}: expected {expected[i]}, got {actual[i]}");
            }
        }
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    private static float[] Values(Random random, int count, double scale) =>
        Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() - 0.5) * 2 * scale)).ToArray();

    // Training and 20 held-out images: class c lights row c + model, model m adds its own column.
    private ImageDataset Dataset(int model, Random random)
    {
        const int heldOut = 20;
        var train = trainSamples;
        var classes = Widths[^1];
        var pixels = new byte[(train + heldOut) * side * side];
        var labels = new byte[train + heldOut];
        for (var s = 0; s < labels.Length; s++)
        {
            var label = s % classes;
            labels[s] = (byte)label;
            for (var p = 0; p < side * side; p++)
            {
                var (row, column) = (p / side, p % side);
                var lit = row == (label + model) % side || column == (model * 2) % side;
                pixels[(s * side * side) + p] = (byte)((lit ? 160 : 0) + random.Next(0, 60));
            }
        }

        return new ImageDataset(train, heldOut, 1, side, side, classes, pixels, labels);
    }
}
