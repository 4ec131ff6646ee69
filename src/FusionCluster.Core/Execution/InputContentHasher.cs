using System.Buffers;
using System.Security.Cryptography;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Execution;

/// <summary>
/// The SHA-256 of the entire content of a merge's inputs (<c>--input-hash full</c>). Weight files are read
/// through <see cref="ICheckpoint.ReadWeightFileAsync"/>, which fails rather than return bytes of a file
/// replaced since its checkpoint was opened; given the versions the job recorded when it planned, a
/// checkpoint reopened since (because a file changed during the merge) fails as well. So a hash that is
/// returned is of the bytes the merge read. Files are hashed in parallel, each streamed in blocks.
/// </summary>
public static class InputContentHasher
{
    /// <param name="inputs">Open checkpoints by location.</param>
    /// <param name="plannedVersions">
    /// <see cref="ICheckpoint.WeightFileVersions"/> by location as recorded when the merge was planned, or
    /// null when there is no plan to hold the checkpoints to.
    /// </param>
    /// <param name="options">Block size and parallelism.</param>
    /// <param name="cancellationToken">Stops the reads; nothing is returned.</param>
    /// <returns>Hashes by location.</returns>
    /// <exception cref="CheckpointException">A file changed since the merge planned or opened it, ended early or cannot be read; the message names it.</exception>
    /// <exception cref="StorageException">The store holding a file cannot be reached; the message names the file.</exception>
    public static async Task<IReadOnlyDictionary<string, CheckpointContentHash>> HashAsync(
        IReadOnlyDictionary<string, ICheckpoint> inputs,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? plannedVersions,
        ContentHashOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (plannedVersions is not null)
        {
            foreach (var (location, checkpoint) in inputs)
            {
                CheckVersions(checkpoint, plannedVersions.TryGetValue(location, out var planned) ? planned : null);
            }
        }

        var weights = inputs.ToDictionary(p => p.Key, p => new FileContentHash[p.Value.WeightFiles.Count], StringComparer.Ordinal);
        var otherNames = inputs.ToDictionary(p => p.Key, p => OtherFileNames(p.Value), StringComparer.Ordinal);
        var others = otherNames.ToDictionary(p => p.Key, p => new FileContentHash[p.Value.Count], StringComparer.Ordinal);

        // Largest files first, so that the last file to finish is a small one and the cores stay busy.
        var weightWork = inputs
            .SelectMany(p => p.Value.WeightFiles.Select((file, index) => (Location: p.Key, Checkpoint: p.Value, Index: index, file.Bytes)))
            .OrderByDescending(w => w.Bytes)
            .Select(w => (Func<CancellationToken, Task>)(async token =>
                weights[w.Location][w.Index] = await HashWeightFileAsync(w.Checkpoint, w.Index, options, token)));
        var otherWork = otherNames
            .SelectMany(p => p.Value.Select((name, index) => (Location: p.Key, Checkpoint: inputs[p.Key], Index: index, Name: name)))
            .Select(o => (Func<CancellationToken, Task>)(async token =>
                others[o.Location][o.Index] = await HashOtherFileAsync(o.Checkpoint, o.Name, token)));

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.ParallelFiles, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(weightWork.Concat(otherWork).ToList(), parallel, async (work, token) => await work(token));

        return inputs.Keys.ToDictionary(
            location => location,
            location => new CheckpointContentHash(weights[location], others[location]),
            StringComparer.Ordinal);
    }

    /// <summary>Fails, naming the file, when a checkpoint is not at the versions the merge planned with.</summary>
    public static void CheckVersions(ICheckpoint checkpoint, IReadOnlyList<string>? planned)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (planned is null)
        {
            throw new CheckpointException($"{checkpoint.Location}: no file versions were recorded when the merge was planned, so its content cannot be vouched for");
        }

        var current = checkpoint.WeightFileVersions;
        if (current.Count != planned.Count)
        {
            throw new CheckpointException(
                $"{checkpoint.Location}: has {current.Count} weight files now, {planned.Count} when the merge was planned; it changed during the merge, so a content hash would not describe the merged bytes (run the merge again)");
        }

        for (var i = 0; i < current.Count; i++)
        {
            if (!string.Equals(current[i], planned[i], StringComparison.Ordinal))
            {
                throw new CheckpointException(
                    $"{Describe(checkpoint, checkpoint.WeightFiles[i].FileName)}: changed during the merge (planned with {planned[i]}, now {current[i]}), so a content hash would not describe the merged bytes (run the merge again)");
            }
        }
    }

    private static async Task<FileContentHash> HashWeightFileAsync(ICheckpoint checkpoint, int index, ContentHashOptions options, CancellationToken cancellationToken)
    {
        var file = checkpoint.WeightFiles[index];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var reads = new Queue<(Task Read, byte[] Buffer, int Length)>();
        long next = 0;
        try
        {
            while (true)
            {
                while (reads.Count < options.BlocksInFlight && next < file.Bytes)
                {
                    var length = (int)Math.Min(options.BlockBytes, file.Bytes - next);
                    var buffer = ArrayPool<byte>.Shared.Rent(length);
                    reads.Enqueue((checkpoint.ReadWeightFileAsync(index, next, buffer.AsMemory(0, length), cancellationToken).AsTask(), buffer, length));
                    next += length;
                }

                if (!reads.TryPeek(out var block))
                {
                    break;
                }

                await block.Read;
                reads.Dequeue();
                sha.AppendData(block.Buffer, 0, block.Length);
                ArrayPool<byte>.Shared.Return(block.Buffer);
            }
        }
        finally
        {
            // After a failure, reads still in flight write into their buffers: return each once it stops.
            // Their own failures are dropped; the first one is what the caller sees.
            foreach (var (read, buffer, _) in reads)
            {
                await Task.WhenAny(read);
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return new FileContentHash(file.FileName, file.Bytes, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private static async Task<FileContentHash> HashOtherFileAsync(ICheckpoint checkpoint, string fileName, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await checkpoint.ReadAuxiliaryFileAsync(fileName, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{Describe(checkpoint, fileName)}: cannot be read to hash it: {e.Message}", e);
        }

        return new FileContentHash(fileName, bytes.LongLength, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>SHA-256 of config.json and the tokenizer files, which shape the output as much as the weights do.</summary>
    public static async Task<IReadOnlyList<FileContentHash>> HashSmallFilesAsync(ICheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var hashes = new List<FileContentHash>();
        foreach (var name in OtherFileNames(checkpoint))
        {
            hashes.Add(await HashOtherFileAsync(checkpoint, name, cancellationToken));
        }

        return hashes;
    }

    /// <summary>config.json and the tokenizer files: small, read whole.</summary>
    private static List<string> OtherFileNames(ICheckpoint checkpoint) =>
        (checkpoint.Config is null ? [] : new List<string> { CheckpointFolder.ConfigFileName })
            .Concat(checkpoint.AuxiliaryFiles)
            .ToList();

    private static string Describe(ICheckpoint checkpoint, string fileName) =>
        checkpoint.Location.Contains("://", StringComparison.Ordinal)
            ? $"{checkpoint.Location.TrimEnd('/')}/{fileName}"
            : Path.Combine(checkpoint.Location, fileName);
}
