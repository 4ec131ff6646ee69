using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FusionCluster.Evaluation.MultiTask;

namespace FusionCluster.Evaluation.DataAware;

/// <summary>
/// Statistics files kept next to a job's local output (in <c>.fusion-statistics/</c> of the output's parent folder,
/// where a sweep's or a benchmark's merges all live), keyed by kind, the model's tensor content, the dataset's
/// samples and their count: a second job over the same model and data (a sweep's next point) stages the file it
/// finds instead of computing it. Outputs that are not local folders have no cache.
/// </summary>
public sealed class StatisticsCache
{
    public const string FolderName = ".fusion-statistics";

    private StatisticsCache(string folder) => Folder = folder;

    public string Folder { get; }

    /// <summary>The cache beside <paramref name="outputLocation"/>, or null for a store that is not a local folder.</summary>
    public static StatisticsCache? For(string outputLocation)
    {
        ArgumentNullException.ThrowIfNull(outputLocation);
        if (outputLocation.Contains("://", StringComparison.Ordinal))
        {
            return null;
        }

        var parent = Path.GetDirectoryName(Path.GetFullPath(outputLocation).TrimEnd(Path.DirectorySeparatorChar));
        return parent is null ? null : new StatisticsCache(Path.Combine(parent, FolderName));
    }

    /// <summary>The key of one model's statistics: kind, a SHA-256 over its tensors' names, shapes and values, the dataset hash and the sample count.</summary>
    public static string Key(string kind, NamedTensors model, string datasetHash, int samples)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, value) in model.Entries)
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{name}[{string.Join(',', value.shape)}]\n"));
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(RegMeanMethod.Floats(value).AsSpan()));
        }

        return Key(kind, Convert.ToHexStringLower(sha.GetHashAndReset()), datasetHash, samples);
    }

    /// <summary>The key from a model fingerprint computed elsewhere (a language model's parameters).</summary>
    public static string Key(string kind, string modelContentHash, string datasetHash, int samples) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}\n{modelContentHash}\n{datasetHash}\n{samples.ToString(CultureInfo.InvariantCulture)}")));

    /// <summary>The bytes stored under <paramref name="key"/>, or null.</summary>
    public byte[]? TryRead(string key)
    {
        var path = PathOf(key);
        try
        {
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Stores the bytes (whole or not at all: written aside, then moved); a failure only loses the reuse.</summary>
    public void Write(string key, byte[] bytes)
    {
        try
        {
            Directory.CreateDirectory(Folder);
            var scratch = Path.Combine(Folder, $".{key}.{Guid.NewGuid():n}.tmp");
            File.WriteAllBytes(scratch, bytes);
            File.Move(scratch, PathOf(key), overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The cache is an optimisation: the unit's result stands without it.
        }
    }

    private string PathOf(string key) => Path.Combine(Folder, $"{key}.safetensors");
}
