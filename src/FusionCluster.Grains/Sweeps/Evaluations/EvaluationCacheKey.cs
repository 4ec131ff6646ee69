using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps.Evaluations;

/// <summary>
/// What an evaluation's result depends on, as one SHA-256: the content of the merged model's files (not
/// its folder name, so an identical model merged last night is a hit) and the evaluator's definition with
/// the content of every file it reads (dataset, text, compared and base models), split, classes and context.
/// A merge's <c>fusion-report.json</c> holds timings, not the model, and is left out, and so is its
/// <c>fusion-manifest.json</c>, which lists every file's size, the report's among them (the model's own files are hashed
/// whole anyway). An ensemble is keyed by
/// what it computes, its rule, normalised weights and members' content, not by its ensemble.json, whose member
/// paths say where the members are, not what they hold: retraining a member in place must miss.
/// </summary>
public static class EvaluationCacheKey
{
    /// <summary>Bumped when an evaluator's metrics change for the same model and definition; <see cref="ScoredEvaluationKey"/> carries it too.</summary>
    internal const string Version = "fusion-evaluation-cache-v2";
    private const string ReportFileName = "fusion-report.json";

    /// <summary>
    /// The key, or null when the evaluation cannot be cached: an external command may read anything, and a
    /// missing file is left to the evaluator to report in its own words. Only what the evaluation may read is
    /// read: every folder and file is resolved and checked against <paramref name="roots"/> (links that stay inside
    /// them are followed, as the evaluators follow them) and opened only as a regular file.
    /// </summary>
    /// <exception cref="StorageException">
    /// A file or folder the key would read lies outside the roots, in /proc, /sys, /dev or /run, or is a pipe, socket or
    /// device; the message names it. The evaluation fails with it rather than hang on a FIFO or read past the roots.
    /// </exception>
    public static string? For(EvaluationRequest request, LocalRoots roots)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(roots);
        if (request.Command is not null)
        {
            return null;
        }

        try
        {
            return Compute(request, roots);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or EvaluationException)
        {
            return null;
        }
    }

    private static string Compute(EvaluationRequest request, LocalRoots roots)
    {
        var text = new StringBuilder();
        text.Append(Version).Append('\n');
        text.Append("model ").Append(FolderHash(request.ModelFolder, "model folder", roots)).Append('\n');
        if (request.Dataset is { } dataset)
        {
            text.Append("accuracy ").Append(FileHash(dataset, "dataset", roots)).Append(' ').Append(request.Split).Append(' ')
                .Append(request.Classes is { } classes ? string.Join(',', classes.Select(c => c.ToString(CultureInfo.InvariantCulture))) : "all").Append('\n');
        }

        for (var i = 0; i < request.CompareNames.Count; i++)
        {
            text.Append("compare ").Append(request.CompareNames[i]).Append(' ').Append(FolderHash(request.CompareFolders[i], "compare folder", roots)).Append('\n');
        }

        if (request.BaseFolder is { } baseFolder)
        {
            text.Append("base ").Append(FolderHash(baseFolder, "base folder", roots)).Append('\n');
        }

        if (request.PerplexityText is { } perplexity)
        {
            text.Append("perplexity ").Append(FileHash(perplexity, "perplexity text", roots)).Append(' ')
                .Append(request.PerplexityContext?.ToString(CultureInfo.InvariantCulture) ?? "model").Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// A model folder's <see cref="FilesHash"/>; an ensemble's hash of its rule and, in order, each member's
    /// normalised weight and files (an invalid ensemble.json throws, and is left to the evaluator to report).
    /// Members are checked against the roots here, before any of their files is read: the evaluator's own check
    /// comes only after the key.
    /// </summary>
    private static string FolderHash(string folder, string what, LocalRoots roots)
    {
        var resolved = roots.Check(folder, what);
        var manifest = Path.Combine(resolved, EnsembleManifest.FileName);
        if (!Path.Exists(manifest) && !LocalPath.IsLink(manifest))
        {
            return FilesHash(resolved, what, roots);
        }

        // ensemble.json must lie in the roots; EnsembleManifest.Read itself reads it only as a regular file.
        roots.CheckFile(manifest, "ensemble manifest");
        var ensemble = EnsembleManifest.Read(resolved);
        var text = new StringBuilder();
        text.Append("ensemble ").Append(EnsembleRules.Name(ensemble.Rule)).Append('\n');
        for (var i = 0; i < ensemble.Members.Count; i++)
        {
            var member = roots.Check(ensemble.Members[i].Folder, "ensemble member");
            text.Append("member ").Append(ensemble.NormalizedWeights[i].ToString("R", CultureInfo.InvariantCulture)).Append(' ')
                .Append(FilesHash(member, "ensemble member", roots)).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// SHA-256 over each file's relative name and content hash, in ordinal name order. Every entry of the folder
    /// and its subfolders is resolved and checked before any file is read, level by level, so a link to / or
    /// into /proc is refused before the walk descends anywhere; links to folders inside the roots are followed
    /// once each (a link back up cannot loop).
    /// </summary>
    private static string FilesHash(string resolvedFolder, string what, LocalRoots roots)
    {
        var files = new List<(string Name, string Path)>();
        var visited = new HashSet<string>(StringComparer.Ordinal) { resolvedFolder };
        var pending = new Queue<(string Folder, string Prefix)>();
        pending.Enqueue((resolvedFolder, ""));
        while (pending.TryDequeue(out var current))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(current.Folder))
            {
                var name = current.Prefix + Path.GetFileName(entry);
                var resolved = roots.CheckFile(entry, $"{what} file");
                if (Directory.Exists(resolved))
                {
                    if (visited.Add(resolved))
                    {
                        pending.Enqueue((resolved, name + "/"));
                    }
                }
                else if (name is not (ReportFileName or MergeManifest.FileName))
                {
                    files.Add((name, resolved));
                }
            }
        }

        var text = new StringBuilder();
        foreach (var (name, path) in files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            text.Append(name).Append(' ').Append(HashResolved(path, $"{what} file")).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// Remembered per process while the file stands unchanged: every candidate's key hashes the same compared and base
    /// models, gigabytes each, and a cache hit should not cost a read of all of them. A dataset named rather than a
    /// file, or a file gone, leaves the key null for the evaluator to report.
    /// </summary>
    private static string FileHash(string path, string what, LocalRoots roots) => HashResolved(roots.CheckFile(path, what), what);

    private static string HashResolved(string resolved, string what) =>
        File.Exists(resolved) ? LocalFileHashes.Shared.Sha256(resolved, what) : throw new FileNotFoundException($"{what} '{resolved}' does not exist", resolved);
}
