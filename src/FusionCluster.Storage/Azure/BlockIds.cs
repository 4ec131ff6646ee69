using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FusionCluster.Storage.Azure;

/// <summary>
/// Block IDs of staged output. An ID is derived from the job, the byte offset of what it holds in its
/// shard (0 for the header) and the part number, so a retried unit, or the same unit run on another
/// silo, stages the same IDs with the same bytes. All IDs have the same length, as the service requires
/// within a blob. The job part keeps a previous result's committed blocks (same shard names, same
/// offsets) from ever standing in for blocks this job failed to stage, and lets cleanup recognise
/// this job's blocks.
/// </summary>
internal static class BlockIds
{
    /// <summary>A short fixed-length tag of a job id: 16 hex digits of its SHA-256.</summary>
    public static string JobTag(string jobId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(jobId)).AsSpan(0, 8));

    /// <summary>Base64 of "fc{tag}t{offset:D16}p{part:D6}": 42 ASCII bytes, 56 characters, no padding.</summary>
    public static string For(string jobTag, long offset, int part) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"fc{jobTag}t{offset:D16}p{part:D6}")));

    /// <summary>True when <paramref name="blockId"/> was made by <see cref="For"/> for the job tagged <paramref name="jobTag"/>.</summary>
    public static bool BelongsTo(string blockId, string jobTag)
    {
        Span<byte> decoded = stackalloc byte[64];
        return Convert.TryFromBase64String(blockId, decoded, out var length)
            && length == 42
            && Encoding.ASCII.GetString(decoded[..18]) == "fc" + jobTag;
    }

    /// <summary>How many blocks a tensor of <paramref name="byteLength"/> bytes is staged as (0 for an empty tensor).</summary>
    public static int PartCount(long byteLength, int blockBytes) => (int)((byteLength + blockBytes - 1) / blockBytes);
}
