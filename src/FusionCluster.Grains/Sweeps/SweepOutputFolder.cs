using System.Globalization;
using System.Text.RegularExpressions;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;

namespace FusionCluster.Grains.Sweeps;

/// <summary>
/// A sweep's output folder:
/// <code>
/// merges/&lt;cache key&gt;/   one published merge per distinct spec and inputs (the cache)
/// runs/run-000001.json   each kept run: candidates, metrics, leaderboard
/// best/                  a copy of the promoted merge, with fusion-sweep.json saying which it is
/// </code>
/// The folder belongs to the sweep: pruning deletes merges that no kept run (or best) refers to.
/// </summary>
public sealed partial class SweepOutputFolder(string root)
{
    public const string BestInfoFileName = "fusion-sweep.json";

    public string Root { get; } = root;

    public string BestFolder => Path.Combine(Root, "best");

    /// <summary>Evaluation results by content key, one JSON file each (Evaluations.FileEvaluationCache), kept across runs.</summary>
    public string EvaluationCacheFolder => Path.Combine(Root, "evaluations");

    public string MergeFolder(string key) => Path.Combine(Root, "merges", CheckKey(key));

    /// <summary>True when the merge with this key is published (its manifest, written last, is there).</summary>
    /// <summary>Where the ensemble baseline with this rule keeps its ensemble.json (rewritten each run).</summary>
    public string BaselineFolder(string rule) => Path.Combine(Root, "baselines", $"ensemble-{rule}");

    public bool HasMerge(string key) => File.Exists(Path.Combine(MergeFolder(key), MergeManifest.FileName));

    public void WriteRun(int number, string json)
    {
        var folder = Path.Combine(Root, "runs");
        Directory.CreateDirectory(folder);
        WriteAtomically(Path.Combine(folder, RunFileName(number)), json);
    }

    /// <summary>
    /// Copies the merge to best/: staged beside it, then swapped in with two renames, so readers see the
    /// old best or the new one, never a mixture (for an instant, neither).
    /// </summary>
    public void Promote(string key, string infoJson)
    {
        var source = MergeFolder(key);
        var staging = Path.Combine(Root, ".best-staging");
        var previous = Path.Combine(Root, ".best-previous");
        DeleteFolder(staging);
        DeleteFolder(previous);
        Directory.CreateDirectory(staging);

        // Only what the merge published, and never through a link someone put beside it.
        var manifestPath = Path.Combine(source, MergeManifest.FileName);
        var published = MergeManifest.Read(File.ReadAllBytes(manifestPath), manifestPath).Select(f => f.Name).Append(MergeManifest.FileName);
        foreach (var name in published)
        {
            var file = Path.Combine(source, name);
            if (LocalPath.IsLink(file))
            {
                throw new StorageException($"{file} is a symlink; a published merge has none, so it is not promoted");
            }

            File.Copy(file, Path.Combine(staging, name));
        }

        File.WriteAllText(Path.Combine(staging, BestInfoFileName), infoJson);
        if (Directory.Exists(BestFolder))
        {
            Directory.Move(BestFolder, previous);
        }

        Directory.Move(staging, BestFolder);
        DeleteFolder(previous);
    }

    /// <summary>Deletes merges not in <paramref name="keepKeys"/> and run records not in <paramref name="keepRuns"/>.</summary>
    public void Prune(IReadOnlySet<string> keepKeys, IReadOnlySet<int> keepRuns)
    {
        var merges = Path.Combine(Root, "merges");
        if (Directory.Exists(merges))
        {
            foreach (var folder in Directory.EnumerateDirectories(merges))
            {
                var name = Path.GetFileName(folder);
                if (KeyPattern().IsMatch(name) && !keepKeys.Contains(name))
                {
                    DeleteFolder(folder);
                }
            }
        }

        var runs = Path.Combine(Root, "runs");
        if (Directory.Exists(runs))
        {
            foreach (var file in Directory.EnumerateFiles(runs, "run-*.json"))
            {
                var digits = Path.GetFileNameWithoutExtension(file)["run-".Length..];
                if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && !keepRuns.Contains(number))
                {
                    File.Delete(file);
                }
            }
        }
    }

    public static string RunFileName(int number) => string.Create(CultureInfo.InvariantCulture, $"run-{number:D6}.json");

    private static string CheckKey(string key) =>
        KeyPattern().IsMatch(key) ? key : throw new ArgumentException($"'{key}' is not a merge cache key", nameof(key));

    private static void WriteAtomically(string path, string text)
    {
        var partial = path + ".partial";
        File.WriteAllText(partial, text);
        File.Move(partial, path, overwrite: true);
    }

    private static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // MergeCacheKey.Length hex characters.
    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex KeyPattern();
}
