using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Planning;

namespace FusionCluster.Core.Execution;

/// <summary>
/// The output side of a merge on a local folder: shards are staged under
/// &lt;out&gt;/.fusion-staging/&lt;job&gt;, pre-sized with their headers, filled in place by units, and
/// moved into &lt;out&gt; only when every unit succeeded; the weights' entry point (index, or the single
/// shard) moves last, so a reader never sees a partial result.
/// </summary>
public static class OutputPublisher
{
    private const string StagingFolder = ".fusion-staging";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string StagingDirectory(string outputDirectory, string jobId) =>
        Path.Combine(Path.GetFullPath(outputDirectory), StagingFolder, jobId);

    /// <summary>Refuses to overwrite an existing merge unless asked to.</summary>
    public static void CheckOutput(string outputDirectory, bool overwrite)
    {
        if (!overwrite && Directory.Exists(outputDirectory) && Directory.EnumerateFiles(outputDirectory, "*.safetensors*").Any())
        {
            throw new IOException($"{outputDirectory} already holds a model; choose another --out or pass --overwrite");
        }
    }

    public static void CreateShards(MergePlan plan, string stagingDirectory)
    {
        Directory.CreateDirectory(stagingDirectory);
        foreach (var shard in plan.Shards)
        {
            SafetensorsWriter.CreatePresized(Path.Combine(stagingDirectory, shard.FileName), shard.Header, shard.FileLength);
        }
    }

    public static void Publish(MergePlan plan, string stagingDirectory, string outputDirectory, JsonObject report)
    {
        Directory.CreateDirectory(outputDirectory);
        if (plan.OutputConfig is not null)
        {
            File.WriteAllText(Path.Combine(stagingDirectory, "config.json"), plan.OutputConfig.ToJsonString(Indented));
        }

        CopyTokenizer(plan, stagingDirectory);
        File.WriteAllText(Path.Combine(stagingDirectory, "fusion-report.json"), report.ToJsonString(Indented));

        var entryPoint = plan.IndexJson is null ? plan.Shards[0].FileName : CheckpointFolder.IndexFileName;
        if (plan.IndexJson is not null)
        {
            File.WriteAllText(Path.Combine(stagingDirectory, CheckpointFolder.IndexFileName), plan.IndexJson);
        }

        foreach (var stale in Directory.EnumerateFiles(outputDirectory, "model*.safetensors*"))
        {
            File.Delete(stale);
        }

        foreach (var file in Directory.EnumerateFiles(stagingDirectory).Where(f => Path.GetFileName(f) != entryPoint).Order(StringComparer.Ordinal))
        {
            File.Move(file, Path.Combine(outputDirectory, Path.GetFileName(file)), overwrite: true);
        }

        File.Move(Path.Combine(stagingDirectory, entryPoint), Path.Combine(outputDirectory, entryPoint), overwrite: true);
        Discard(stagingDirectory);
    }

    /// <summary>Removes a job's staging folder (and the staging root when it is left empty).</summary>
    public static void Discard(string stagingDirectory)
    {
        if (Directory.Exists(stagingDirectory))
        {
            Directory.Delete(stagingDirectory, recursive: true);
        }

        var root = Path.GetDirectoryName(stagingDirectory);
        if (root is not null && Directory.Exists(root) && !Directory.EnumerateFileSystemEntries(root).Any())
        {
            Directory.Delete(root);
        }
    }

    private static void CopyTokenizer(MergePlan plan, string stagingDirectory)
    {
        if (plan.TokenizerModel is null || !plan.ModelPaths.TryGetValue(plan.TokenizerModel, out var source))
        {
            return;
        }

        foreach (var name in CheckpointFolder.KnownAuxiliaryFileNames)
        {
            var from = Path.Combine(source, name);
            if (File.Exists(from))
            {
                File.Copy(from, Path.Combine(stagingDirectory, name), overwrite: true);
            }
        }

        if (plan.ChatTemplate is { } template)
        {
            var configPath = Path.Combine(stagingDirectory, "tokenizer_config.json");
            var config = File.Exists(configPath) ? JsonNode.Parse(File.ReadAllText(configPath))!.AsObject() : [];
            config["chat_template"] = template;
            File.WriteAllText(configPath, config.ToJsonString(Indented));
        }
    }
}
