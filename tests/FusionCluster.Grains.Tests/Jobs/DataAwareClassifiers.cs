using System.Security.Cryptography;
using System.Text;
using FusionCluster.Core.Formats;
using FusionCluster.Evaluation.DataAware;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.MultiTask;
using static TorchSharp.torch;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// A folder of MLP classifiers (by default three of 36-16-12-4: layers.0 .. layers.2, the last giving the logits), each
/// a perturbation of one shared network, and for each a dataset file (.fcds) of square images (6x6 by default) in
/// <c>Widths[^1]</c> classes whose pixels follow that model's own pattern, so their Gram matrices and Fishers differ.
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
