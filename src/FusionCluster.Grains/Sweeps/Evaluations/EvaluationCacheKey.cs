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
/// A merge's <c>fusion-report.json</c> holds timings, not the model, and is left out. An ensemble is keyed by
/// what it computes, its rule, normalised weights and members' content, not by its ensemble.json, whose member
/// paths say where the members are, not what they hold: retraining a member in place must miss.
/// </summary>
public static class EvaluationCacheKey
{
    private const string Version = "fusion-evaluation-cache-v1";
    private const string ReportFileName = "fusion-report.json";

    /// <summary>
    /// The key, or null when the evaluation cannot be cached: an external command may read anything, and a
    /// missing file is left to the evaluator to report in its own words.
    /// </summary>
    public static string? For(EvaluationRequest request)
    {
        if (request.Command is not null)
        {
            return null;
        }

        try
        {
            return Compute(request);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or EvaluationException)
        {
            return null;
        }
    }

    private static string Compute(EvaluationRequest request)
    {

        var text = new StringBuilder();
        text.Append(Version).Append('\n');
        text.Append("model ").Append(FolderHash(request.ModelFolder)).Append('\n');
        if (request.Dataset is { } dataset)
        {
            text.Append("accuracy ").Append(FileHash(dataset)).Append(' ').Append(request.Split).Append(' ')
                .Append(request.Classes is { } classes ? string.Join(',', classes.Select(c => c.ToString(CultureInfo.InvariantCulture))) : "all").Append('\n');
        }

        for (var i = 0; i < request.CompareNames.Count; i++)
        {
            text.Append("compare ").Append(request.CompareNames[i]).Append(' ').Append(FolderHash(request.CompareFolders[i])).Append('\n');
        }

        if (request.BaseFolder is { } baseFolder)
        {
            text.Append("base ").Append(FolderHash(baseFolder)).Append('\n');
        }

        if (request.PerplexityText is { } perplexity)
        {
            text.Append("perplexity ").Append(FileHash(perplexity)).Append(' ')
                .Append(request.PerplexityContext?.ToString(CultureInfo.InvariantCulture) ?? "model").Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// A model folder's <see cref="FilesHash"/>; an ensemble's hash of its rule and, in order, each member's
    /// normalised weight and files (an invalid ensemble.json throws, and is left to the evaluator to report).
    /// </summary>
    private static string FolderHash(string folder)
    {
        if (!EnsembleManifest.IsEnsemble(folder))
        {
            return FilesHash(folder);
        }

        var ensemble = EnsembleManifest.Read(folder);
        var text = new StringBuilder();
        text.Append("ensemble ").Append(EnsembleRules.Name(ensemble.Rule)).Append('\n');
        for (var i = 0; i < ensemble.Members.Count; i++)
        {
            text.Append("member ").Append(ensemble.NormalizedWeights[i].ToString("R", CultureInfo.InvariantCulture)).Append(' ')
                .Append(FilesHash(ensemble.Members[i].Folder)).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>SHA-256 over each file's relative name and content hash, in ordinal name order.</summary>
    private static string FilesHash(string folder)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(name => name != ReportFileName)
            .Order(StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var name in files)
        {
            text.Append(name).Append(' ').Append(FileHash(Path.Combine(folder, name))).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// Remembered per process while the file stands unchanged: every candidate's key hashes the same compared and base
    /// models, gigabytes each, and a cache hit should not cost a read of all of them.
    /// </summary>
    private static string FileHash(string path) => LocalFileHashes.Shared.Sha256(path);
}
