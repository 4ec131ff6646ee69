using System.Collections.Concurrent;
using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Grains.Sweeps;

/// <summary>
/// Datasets read once per silo and kept while their file is unchanged (same size and modification time):
/// a sweep evaluates dozens of merges on the same dataset.
/// </summary>
public sealed class EvaluationDatasets
{
    private readonly ConcurrentDictionary<string, (long Length, DateTime Modified, Lazy<ImageDataset> Dataset)> loaded = new(StringComparer.Ordinal);

    public ImageDataset Get(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new DatasetFormatException(path, "no such dataset file");
        }

        var entry = loaded.AddOrUpdate(
            file.FullName,
            key => (file.Length, file.LastWriteTimeUtc, new Lazy<ImageDataset>(() => ImageDatasetFile.Read(key))),
            (key, existing) => existing.Length == file.Length && existing.Modified == file.LastWriteTimeUtc
                ? existing
                : (file.Length, file.LastWriteTimeUtc, new Lazy<ImageDataset>(() => ImageDatasetFile.Read(key))));
        return entry.Dataset.Value;
    }
}
