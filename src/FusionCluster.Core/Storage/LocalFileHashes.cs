using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace FusionCluster.Core.Storage;

/// <summary>
/// SHA-256 of local files, remembered for the life of the process by <see cref="LocalFileStamp"/>: an evaluation cache
/// key hashes the compared and base models for every candidate of every run, and those files rarely change, so a silo
/// or a sweep process reads each of them once. A file whose change time is within <paramref name="settle"/> of now is
/// hashed but not remembered: a write in the same clock tick would leave its stamp as it is (git's "racy" case).
/// </summary>
/// <param name="settle">How long a file must have stood unchanged before its hash is remembered.</param>
/// <param name="capacity">
/// Files remembered at most; past it the memo starts again empty, so a silo that merges and evaluates for months holds a
/// bounded memo (each entry is a path, a stamp and a hash, a few hundred bytes).
/// </param>
public sealed class LocalFileHashes(TimeSpan settle, int capacity = 65536)
{
    private readonly ConcurrentDictionary<string, (LocalFileStamp Stamp, string Sha256)> remembered = new(StringComparer.Ordinal);
    private long filesRead;

    /// <summary>The process's one memo, with a settle time of 2 s.</summary>
    public static LocalFileHashes Shared { get; } = new(TimeSpan.FromSeconds(2));

    /// <summary>How many times a file was read to hash it (the rest were remembered).</summary>
    public long FilesRead => Interlocked.Read(ref filesRead);

    /// <summary>
    /// The lower-case hex SHA-256 of the whole regular file at <paramref name="path"/>, opened with
    /// <see cref="LocalFile.OpenRegular"/>: a symlink in its last component, a pipe, socket, device or folder is refused,
    /// never read (a FIFO would block and /dev/zero never ends). Pass a path <see cref="LocalRoots.CheckFile"/> resolved
    /// to hash a file reached through links that stay inside the roots.
    /// </summary>
    /// <param name="what">What the file is, for the error message (which also names the path).</param>
    /// <exception cref="StorageException">The path is not a regular file or cannot be opened.</exception>
    public string Sha256(string path, string what = "file")
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        var before = LocalFileStamp.Of(full);
        if (before is { } stamp && remembered.TryGetValue(full, out var known) && known.Stamp == stamp)
        {
            return known.Sha256;
        }

        string hash;
        using (var stream = LocalFile.OpenRegular(full, what))
        {
            hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        Interlocked.Increment(ref filesRead);
        var after = LocalFileStamp.Of(full);
        var now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        if (before is { } unchanged && after == unchanged && now - unchanged.ChangedNanoseconds >= settle.Ticks * 100)
        {
            if (remembered.Count >= capacity && !remembered.ContainsKey(full))
            {
                remembered.Clear();
            }

            remembered[full] = (unchanged, hash);
        }
        else
        {
            remembered.TryRemove(full, out _);
        }

        return hash;
    }
}
