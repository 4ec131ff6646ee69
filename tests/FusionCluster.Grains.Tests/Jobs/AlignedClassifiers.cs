using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FusionCluster.Alignment.Permutations;
using FusionCluster.Alignment.Specs;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Tensors;
using FusionCluster.Grains.Abstractions;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// A folder of small MLP classifiers (784-48-24-10, model_type fusion-mnist-mlp): mlp-a, and mlp-b and
/// mlp-c, each mlp-a plus a small perturbation (so the identity is their best match to mlp-a), and
/// mlp-b-permuted and mlp-c-permuted: the same networks with their hidden units shuffled at random
/// (written by <see cref="PermutedCheckpointWriter"/>), which compute the same function; mlp-unknown is
/// mlp-b under a model_type FusionCluster derives no permutation spec for.
/// </summary>
public sealed class AlignedClassifiers : IDisposable
{
    public static readonly int[] Widths = [784, 48, 24, 10];

    public AlignedClassifiers()
    {
        Folder = Directory.CreateTempSubdirectory("fusion-align-job-").FullName;
        var a = Random(new Random(1), null);
        Write("mlp-a", a);
        Write("mlp-b", Random(new Random(2), a));
        Write("mlp-c", Random(new Random(3), a));
        var shuffle = new Random(4);
        foreach (var model in new[] { "mlp-b", "mlp-c" })
        {
            var permutations = new Dictionary<string, int[]>(StringComparer.Ordinal);
            for (var layer = 0; layer < Widths.Length - 2; layer++)
            {
                var permutation = Enumerable.Range(0, Widths[layer + 1]).ToArray();
                shuffle.Shuffle(permutation);
                permutations[$"layers.{layer}.out"] = permutation;
            }

            Applied[model] = permutations;
            using var checkpoint = CheckpointFolder.Open(Path.Combine(Folder, model));
            var shapes = checkpoint.TensorNames.ToDictionary(n => n, n => checkpoint.GetEntry(n).Shape, StringComparer.Ordinal);
            var spec = ClassifierPermutationSpec.Derive(shapes, model);
            PermutedCheckpointWriter.Write(checkpoint, new PermutedTensorMap(spec, permutations), Path.Combine(Folder, model + "-permuted"));
        }

        // The same weights under a model_type no permutation spec is derived for.
        Write("mlp-unknown", Random(new Random(2), a), modelType: "unknown-net");
    }

    public string Folder { get; }

    public string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>Runs a merge job of <paramref name="spec"/> in this folder: <see cref="JobRuns.RunInFolderAsync"/>.</summary>
    public Task<JobStatus> RunJobAsync(InProcessTestCluster cluster, string spec, string output, CancellationToken cancellation) =>
        JobRuns.RunInFolderAsync(cluster, Folder, spec, output, cancellation);

    /// <summary>Per permuted model, the permutation of each group its copy was written with.</summary>
    public Dictionary<string, Dictionary<string, int[]>> Applied { get; } = new(StringComparer.Ordinal);

    /// <summary>SHA-256 of every published file except the report and manifest, which record timings.</summary>
    public static Dictionary<string, string> ModelFiles(string folder) =>
        Directory.EnumerateFiles(folder)
            .Where(f => Path.GetFileName(f) is not ("fusion-report.json" or MergeManifest.FileName))
            .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    private static Dictionary<string, (long[] Shape, float[] Values)> Random(Random random, Dictionary<string, (long[] Shape, float[] Values)>? near)
    {
        var tensors = new Dictionary<string, (long[] Shape, float[] Values)>(StringComparer.Ordinal);
        for (var layer = 0; layer < Widths.Length - 1; layer++)
        {
            tensors[$"layers.{layer}.weight"] = ([Widths[layer + 1], Widths[layer]], Values(random, Widths[layer + 1] * Widths[layer], near?[$"layers.{layer}.weight"].Values));
            tensors[$"layers.{layer}.bias"] = ([Widths[layer + 1]], Values(random, Widths[layer + 1], near?[$"layers.{layer}.bias"].Values));
        }

        return tensors;
    }

    // Independent weights of scale 0.1, or the given ones plus noise of scale 0.005.
    private static float[] Values(Random random, int count, float[]? near) =>
        Enumerable.Range(0, count).Select(i => (near?[i] ?? 0f) + (float)((random.NextDouble() - 0.5) * (near is null ? 0.2 : 0.01))).ToArray();

    private void Write(string name, Dictionary<string, (long[] Shape, float[] Values)> tensors, string modelType = "fusion-mnist-mlp")
    {
        var folder = Path.Combine(Folder, name);
        Directory.CreateDirectory(folder);
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var layout = SafetensorsLayout.Compute(names.Select(n => new TensorDescriptor(n, DType.F32, tensors[n].Shape)).ToList());
        using (var writer = SafetensorsWriter.Create(Path.Combine(folder, CheckpointFolder.SingleFileName), layout))
        {
            foreach (var tensor in names)
            {
                var bytes = new byte[layout.GetEntry(tensor).ByteLength];
                DTypeCodec.Encode(DType.F32, tensors[tensor].Values, bytes);
                writer.WriteRaw(tensor, 0, bytes);
            }
        }

        var config = new JsonObject
        {
            ["architectures"] = new JsonArray("FusionMnistMlp"),
            ["model_type"] = modelType,
            ["input_shape"] = new JsonArray(1, 28, 28),
            ["num_classes"] = 10,
        };
        File.WriteAllText(Path.Combine(folder, CheckpointFolder.ConfigFileName), config.ToJsonString());
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), """{"model": {"vocab": {}}}""");
    }
}
