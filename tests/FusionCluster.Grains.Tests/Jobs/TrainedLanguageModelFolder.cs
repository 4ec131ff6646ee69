using System.Text.Json.Nodes;
using FusionCluster.Alignment.Permutations;
using FusionCluster.Alignment.Specs;
using FusionCluster.Core.Formats;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Language.Training;
using FusionCluster.TestSupport;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>
/// A folder with real English text (this repository's docs/architecture.md) as <c>text.txt</c>, two tiny byte-level
/// llamas (2 blocks, hidden 32, 4 query and 2 KV heads, FFN 48, context 32) trained a few steps on it from seeds 1
/// and 2 (lm-1, lm-2), and lm-1-permuted: lm-1 with its residual stream, every block's FFN units and every block's
/// KV heads shuffled at random by <see cref="PermutedCheckpointWriter"/> (the same function), and lm-1-copy, its
/// files copied; text-a.txt and text-b.txt are the two halves of text.txt, two different real texts. Made once per
/// class, with the helpers the llama job tests share to run jobs in it and read what they wrote.
/// </summary>
public sealed class TrainedLanguageModelFolder : IDisposable
{
    public const string TextFile = "text.txt";

    public TrainedLanguageModelFolder()
    {
        Folder = Directory.CreateTempSubdirectory("fusion-align-lm-").FullName;
        var text = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "docs", "architecture.md"));
        text = text[..Math.Min(text.Length, 8000)];
        File.WriteAllText(PathOf(TextFile), text);
        File.WriteAllText(PathOf("text-a.txt"), text[..(text.Length / 2)]);
        File.WriteAllText(PathOf("text-b.txt"), text[(text.Length / 2)..]);
        foreach (var seed in new[] { 1, 2 })
        {
            var options = new LanguageTrainingOptions { Steps = 3, Context = 32, Layers = 2, Hidden = 32, Heads = 4, KvHeads = 2, Ffn = 48, Seed = (ulong)seed };
            LanguageModelTrainer.TrainAndSave(text, options, PathOf($"lm-{seed}"));
        }

        using var checkpoint = CheckpointFolder.Open(PathOf("lm-1"));
        var shapes = checkpoint.TensorNames.ToDictionary(n => n, n => checkpoint.GetEntry(n).Shape, StringComparer.Ordinal);
        var spec = LlamaPermutationSpec.Derive(checkpoint.Config, shapes, "lm-1");
        var random = new Random(5);
        foreach (var group in spec.Groups)
        {
            var permutation = Enumerable.Range(0, group.Size).ToArray();
            while (permutation.Where((from, to) => from != to).Count() < 2)
            {
                random.Shuffle(permutation);
            }

            Applied[group.Name] = permutation;
        }

        PermutedCheckpointWriter.Write(checkpoint, new PermutedTensorMap(spec, Applied), PathOf("lm-1-permuted"));

        // A byte copy of lm-1 under another name: a spec lists each model once.
        Directory.CreateDirectory(PathOf("lm-1-copy"));
        foreach (var file in Directory.EnumerateFiles(PathOf("lm-1")))
        {
            File.Copy(file, Path.Combine(PathOf("lm-1-copy"), Path.GetFileName(file)));
        }
    }

    public string Folder { get; }

    /// <summary>Per permutation group of lm-1-permuted: unit u of the copy is unit Applied[group][u] of lm-1.</summary>
    public Dictionary<string, int[]> Applied { get; } = new(StringComparer.Ordinal);

    public string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>
    /// A spec of <paramref name="method"/> over models each with a text file as its dataset, drawing
    /// <paramref name="samples"/> windows from each.
    /// </summary>
    public static string DatasetSpec(string method, int samples, params (string Model, string Text)[] entries) =>
        $"merge_method: {method}\nmodels:\n"
        + string.Concat(entries.Select(e => $"  - {{model: {e.Model}, dataset: {e.Text}}}\n"))
        + $"parameters:\n  samples: {samples}\n";

    /// <summary>Runs a merge job of <paramref name="spec"/> in this folder: <see cref="JobRuns.RunInFolderAsync"/>.</summary>
    public Task<JobStatus> RunJobAsync(InProcessTestCluster cluster, string spec, string output, CancellationToken cancellation) =>
        JobRuns.RunInFolderAsync(cluster, Folder, spec, output, cancellation);

    /// <summary>The statistics section of the fusion-report.json a job wrote to <paramref name="output"/>.</summary>
    public JsonNode StatisticsReport(string output) => JobRuns.Report(PathOf(output))["statistics"]!;

    /// <summary>Per model of <paramref name="output"/>'s report: <see cref="JobRuns.CachedStatistics"/>.</summary>
    public IEnumerable<string> CachedStatistics(string output) => JobRuns.CachedStatistics(PathOf(output));

    /// <summary>Every tensor of the checkpoint in <paramref name="folder"/> (a path in this folder), by name, as float32.</summary>
    public async Task<Dictionary<string, float[]>> ReadTensorsAsync(string folder, CancellationToken cancellation)
    {
        using var checkpoint = CheckpointFolder.Open(PathOf(folder));
        var tensors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var name in checkpoint.TensorNames)
        {
            using var stored = await checkpoint.OpenTensorAsync(name, cancellation);
            tensors[name] = stored.ReadAll();
        }

        return tensors;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
