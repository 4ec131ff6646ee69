using System.Text.Json;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;

namespace FusionCluster.Grains.Sweeps.Evaluations;

/// <summary>The evaluation cache of one machine: a JSON file per key in a folder (the sweep's output).</summary>
public sealed class FileEvaluationCache(string folder) : IEvaluationCache
{
    /// <summary>An entry is a few hundred bytes: a larger file is no entry of ours.</summary>
    private const long MaxEntryBytes = 1 << 20;

    public string Folder { get; } = folder;

    public Task<IReadOnlyDictionary<string, double>?> GetAsync(string key)
    {
        var path = PathOf(key);
        if (!File.Exists(path) && !LocalPath.IsLink(path))
        {
            return Task.FromResult<IReadOnlyDictionary<string, double>?>(null);
        }

        try
        {
            // Opened as a regular file only and bounded: a FIFO or a link to /dev/zero planted under an entry's name would
            // hold an evaluation slot or fill memory (a StorageException: a miss, logged).
            var bytes = LocalFile.ReadAllBytes(path, "evaluation cache entry", MaxEntryBytes, length =>
                new StorageException($"evaluation cache entry {path} is {length} bytes, larger than any entry; it is not read"));
            return Task.FromResult<IReadOnlyDictionary<string, double>?>(JsonSerializer.Deserialize<Dictionary<string, double>>(bytes, MetricsJson.Compact));
        }
        catch (JsonException)
        {
            // A damaged entry is a miss; the evaluation runs again and rewrites it.
            return Task.FromResult<IReadOnlyDictionary<string, double>?>(null);
        }
    }

    public async Task PutAsync(string key, IReadOnlyDictionary<string, double> metrics)
    {
        var path = PathOf(key);
        var partial = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.partial";
        try
        {
            Directory.CreateDirectory(Folder);
            await File.WriteAllTextAsync(partial, JsonSerializer.Serialize(metrics, MetricsJson.Compact));
            File.Move(partial, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(partial);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Left for whoever empties the folder; the failure to store is what is reported.
            }

            throw new StorageException($"cannot store an evaluation in the cache {path}: {e.Message}", e);
        }
    }

    private string PathOf(string key) =>
        key.Length == 64 && key.All(char.IsAsciiHexDigitLower)
            ? Path.Combine(Folder, key + ".json")
            : throw new ArgumentException($"'{key}' is not an evaluation cache key", nameof(key));
}
