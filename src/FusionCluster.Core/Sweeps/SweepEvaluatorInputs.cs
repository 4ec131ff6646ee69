using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Sweeps;

/// <summary>
/// The files a sweep's evaluator reads, checked to be there before a run merges anything: a dataset, text or compared
/// model that is missing failed every point, but only after every merge had been made and published. Each path is
/// checked against the data roots first, as the evaluator will: whether a file outside them exists is not told.
/// </summary>
public static class SweepEvaluatorInputs
{
    /// <exception cref="SpecException">A file or folder the evaluator reads is not there; the message names its key and path.</exception>
    /// <exception cref="StorageException">One lies outside <paramref name="roots"/>; the message names its key and path.</exception>
    public static void CheckExist(SweepEvaluatorSpec evaluator, LocalRoots roots)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(roots);
        if (evaluator.Accuracy is { } accuracy)
        {
            FileExists(accuracy.Dataset, "evaluator.accuracy.dataset", "dataset file", roots);
        }

        if (evaluator.Tensors is { } tensors)
        {
            for (var i = 0; i < tensors.Compare.Count; i++)
            {
                FolderExists(tensors.Compare[i].Value, $"evaluator.tensors.compare[{i}] '{tensors.Compare[i].Key}'", roots);
            }

            if (tensors.Base is { } baseModel)
            {
                FolderExists(baseModel, "evaluator.tensors.base", roots);
            }
        }

        if (evaluator.Perplexity is { } perplexity)
        {
            FileExists(perplexity.Text, "evaluator.perplexity.text", "text file", roots);
        }
    }

    private static void FileExists(string path, string key, string what, LocalRoots roots)
    {
        // The resolved path, which the evaluator opens: the text may lead elsewhere ('..' after a link is taken from the
        // link's target by the check, from the text by .NET), and asking there would tell whether a file outside exists.
        var resolved = roots.Check(path, key);
        if (!File.Exists(resolved))
        {
            throw new SpecException(Directory.Exists(resolved) ? $"{key}: {path} is a folder, not a {what}" : $"{key}: {path}: no such {what}");
        }
    }

    private static void FolderExists(string path, string key, LocalRoots roots)
    {
        var resolved = roots.Check(path, key);
        if (!Directory.Exists(resolved))
        {
            throw new SpecException(File.Exists(resolved) ? $"{key}: {path} is a file, not a model folder" : $"{key}: {path}: no such model folder");
        }
    }
}
