using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Sweeps;

/// <summary>
/// Identifies a merge by what determines its output: the spec in canonical form (<see cref="SweepYaml.Canonical"/>),
/// the seed and shard size, and every input model's resolved location with, per weight file, its name, size
/// and safetensors-header SHA-256, plus its change and modification times when it is a local file, and the SHA-256 of its
/// config.json and tokenizer files (they decide the output's vocabulary, tokenizer and chat template), and the
/// SHA-256 of each data-aware model's dataset file. Tensor
/// bytes are not hashed (that would read every input in full): a model rewritten in place is caught by its change
/// time, which every write moves and no tool sets back (a copy that keeps the modification time, as <c>cp -p</c> and
/// <c>rsync -t</c> make, was taken for the old model until format 3), not by its content. Two merges with the same key publish the same bytes, so a sweep
/// reuses the first instead of computing the second.
/// </summary>
public static class MergeCacheKey
{
    /// <summary>Bumped when the key's recipe (or the engine's output for a given key) changes, so old entries stop matching.</summary>
    public const string Format = "fusion-merge-cache/3";

    /// <summary>Hex characters of the key (128 bits of the SHA-256): short enough for a folder name.</summary>
    public const int Length = 32;

    /// <param name="fingerprints">Input fingerprints by location, filled as models are read; share it across the candidates of one run.</param>
    public static async Task<string> ComputeAsync(
        SweepCandidateSpec candidate,
        string specDirectory,
        ulong seed,
        long shardSizeBytes,
        ArtifactStores stores,
        IDictionary<string, string> fingerprints,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(fingerprints);
        var inputs = new List<(string Model, string Location, string Fingerprint)>();
        foreach (var model in candidate.Spec.AllModels())
        {
            string location;
            try
            {
                location = stores.Resolve(model, specDirectory, mustExist: true);
            }
            catch (StorageException e)
            {
                throw new SpecException($"model '{model}': {e.Message}");
            }

            inputs.Add((model, location, await FingerprintOnceAsync(location, stores, fingerprints, cancellationToken)));
        }

        // A data-aware method's output depends on each model's data too: its dataset file's content, by SHA-256.
        foreach (var (model, dataset) in candidate.Spec.Datasets.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var path = Path.GetFullPath(dataset, specDirectory);
            var key = $"dataset:{path}";
            if (!fingerprints.TryGetValue(key, out var fingerprint))
            {
                fingerprint = await HashDatasetAsync(model, dataset, path, stores.Roots, cancellationToken);
                fingerprints[key] = fingerprint;
            }

            inputs.Add(($"{model} dataset", path, fingerprint));
        }

        return Compute(candidate.CanonicalSpec, seed, shardSizeBytes, inputs);
    }

    /// <summary>
    /// The SHA-256 of a model's dataset file, checked first as the merge will check it (<c>PlanLocalFiles</c>): inside the
    /// data roots, not a kernel file, and opened as a regular file, so that /dev/zero or a FIFO cannot hold the sweep
    /// grain and a file outside the roots is neither read nor probed.
    /// </summary>
    /// <exception cref="SpecException">The dataset is refused, missing or unreadable; the message names the model and the file.</exception>
    private static async Task<string> HashDatasetAsync(string model, string dataset, string path, LocalRoots roots, CancellationToken cancellationToken)
    {
        try
        {
            var resolved = roots.CheckFile(path, $"model '{model}': dataset");
            if (!File.Exists(resolved))
            {
                throw new SpecException($"model '{model}': dataset '{dataset}' does not exist ({path})");
            }

            await using var stream = LocalFile.OpenRegular(resolved, $"model '{model}': dataset");
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
        {
            throw new SpecException(e is StorageException ? e.Message : $"model '{model}': dataset '{dataset}' ({path}) cannot be read: {e.Message}");
        }
    }

    /// <summary><see cref="FingerprintAsync"/>, taken once per location across the candidates of one run (<paramref name="fingerprints"/>).</summary>
    public static async Task<string> FingerprintOnceAsync(string location, ArtifactStores stores, IDictionary<string, string> fingerprints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fingerprints);
        if (!fingerprints.TryGetValue(location, out var fingerprint))
        {
            fingerprint = await FingerprintAsync(location, stores, cancellationToken);
            fingerprints[location] = fingerprint;
        }

        return fingerprint;
    }

    /// <summary>
    /// Per weight file: name, size, header SHA-256 and (local files) change and modification times
    /// (<see cref="LocalFileStamp"/>; the modification time alone where the system gives no change time); per config or
    /// tokenizer file: name and SHA-256.
    /// </summary>
    public static async Task<string> FingerprintAsync(string location, ArtifactStores stores, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stores);

        // Opened afresh rather than through a process-wide cache: a model replaced since must be seen as new.
        using var checkpoint = await stores.OpenCheckpointAsync(location, cancellationToken);
        var text = new StringBuilder();
        foreach (var file in checkpoint.WeightFiles)
        {
            var local = Path.IsPathRooted(location) ? Path.Combine(location, file.FileName) : null;
            text.Append(CultureInfo.InvariantCulture, $"{file.FileName} {file.Bytes} {file.HeaderSha256} {WrittenAt(local)};");
        }

        foreach (var file in await InputContentHasher.HashSmallFilesAsync(checkpoint, cancellationToken))
        {
            text.Append(CultureInfo.InvariantCulture, $"{file.FileName} {file.Sha256};");
        }

        return text.ToString();
    }

    /// <summary>When a local file was last written, as its stamp tells it: change and modification times in nanoseconds; "0" for a remote file.</summary>
    private static string WrittenAt(string? local)
    {
        if (local is null || !File.Exists(local))
        {
            return "0";
        }

        return LocalFileStamp.Of(local) is { } stamp
            ? string.Create(CultureInfo.InvariantCulture, $"{stamp.ChangedNanoseconds}.{stamp.ModifiedNanoseconds}")
            : File.GetLastWriteTimeUtc(local).Ticks.ToString(CultureInfo.InvariantCulture);
    }

    public static string Compute(string canonicalSpec, ulong seed, long shardSizeBytes, IEnumerable<(string Model, string Location, string Fingerprint)> inputs)
    {
        ArgumentNullException.ThrowIfNull(canonicalSpec);
        ArgumentNullException.ThrowIfNull(inputs);
        var text = new StringBuilder()
            .Append(Format).Append('\n')
            .Append("spec ").Append(canonicalSpec).Append('\n')
            .Append(CultureInfo.InvariantCulture, $"seed {seed}\nshard {shardSizeBytes}\n");
        foreach (var (model, location, fingerprint) in inputs.OrderBy(i => i.Model, StringComparer.Ordinal))
        {
            text.Append("model ").Append(model).Append(" at ").Append(location).Append(": ").Append(fingerprint).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..Length];
    }
}
