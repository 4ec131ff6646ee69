using System.Security.Cryptography;
using System.Text;
using FusionCluster.Core.Formats;
using FusionCluster.Evaluation.DataAware;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.MultiTask;
using static TorchSharp.torch;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// A folder of three small MLP classifiers (36-16-12-4: layers.0 .. layers.2, the last giving the logits), each a
/// perturbation of one shared network, and for each a dataset file (.fcds) of 6x6 images in 4 classes whose
/// pixels follow that model's own pattern, so their Gram matrices and Fishers differ.
/// </summary>
public sealed class DataAwareClassifiers : IDisposable
{
    public static readonly int[] Widths = [36, 16, 12, 4];

    public static readonly string[] Names = ["m1", "m2", "m3"];

    public DataAwareClassifiers()
    {
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

    public string Folder { get; }

    public string DatasetPath(string model) => Path.Combine(Folder, model + ImageDatasetFile.Extension);

    /// <summary>A spec merging the three models, each with its dataset.</summary>
    public static string Spec(string method, int samples, string extra = "") =>
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

    // 60 training and 20 held-out 6x6 images: class c lights row c + model, model m adds its own column.
    private static ImageDataset Dataset(int model, Random random)
    {
        const int train = 60, heldOut = 20, side = 6;
        var pixels = new byte[(train + heldOut) * side * side];
        var labels = new byte[train + heldOut];
        for (var s = 0; s < labels.Length; s++)
        {
            var label = s % 4;
            labels[s] = (byte)label;
            for (var p = 0; p < side * side; p++)
            {
                var (row, column) = (p / side, p % side);
                var lit = row == (label + model) % side || column == model * 2;
                pixels[(s * side * side) + p] = (byte)((lit ? 160 : 0) + random.Next(0, 60));
            }
        }

        return new ImageDataset(train, heldOut, 1, side, side, 4, pixels, labels);
    }
}
