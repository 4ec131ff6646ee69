using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Storage;

namespace FusionCluster.Storage.Azure;

/// <summary>
/// One safetensors blob of a checkpoint: its validated header, read with two ranged GETs (the 8-byte
/// length, then the header), and the blob version (ETag) it was read from. Every later read is
/// conditional on that version, so a blob replaced after opening fails loudly instead of mixing data.
/// </summary>
internal sealed class AzureWeightFile
{
    private readonly BlobClient blob;
    private readonly ETag etag;
    private readonly AzureBlobStoreOptions options;

    private AzureWeightFile(string path, BlobClient blob, ETag etag, SafetensorsHeader header, WeightFileInfo info, AzureBlobStoreOptions options)
    {
        Path = path;
        this.blob = blob;
        this.etag = etag;
        Header = header;
        Info = info;
        this.options = options;
    }

    /// <summary>az://container/prefix/name, for messages.</summary>
    public string Path { get; }

    public SafetensorsHeader Header { get; }

    public WeightFileInfo Info { get; }

    /// <summary>Size and ETag as listed when the checkpoint was opened; every read is conditioned on that ETag.</summary>
    public string Version => $"{Info.Bytes} bytes, ETag {etag}";

    public IReadOnlyList<TensorEntry> Tensors => Header.Tensors;

    /// <param name="blob">The blob.</param>
    /// <param name="path">Its az:// name for messages.</param>
    /// <param name="length">Its length, from the listing.</param>
    /// <param name="etag">Its version, from the listing.</param>
    public static async Task<AzureWeightFile> OpenAsync(BlobClient blob, string path, long length, ETag etag, AzureBlobStoreOptions options, CancellationToken cancellationToken)
    {
        if (length < 8)
        {
            throw new SafetensorsFormatException(path, null, $"file is {length} bytes, too short for the 8-byte header length (truncated or not a safetensors file)");
        }

        var prefix = new byte[8];
        await ReadRangeAsync(blob, etag, path, 0, prefix, length, tensorName: null, cancellationToken);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > SafetensorsHeader.MaxHeaderLength)
        {
            throw new SafetensorsFormatException(path, null, $"header length {headerLength} exceeds the {SafetensorsHeader.MaxHeaderLength}-byte limit (corrupt file or not a safetensors file)");
        }

        if ((long)headerLength > length - 8)
        {
            throw new SafetensorsFormatException(path, null, $"header length {headerLength} runs past the end of the {length}-byte file (truncated file)");
        }

        var json = new byte[headerLength];
        await ReadRangeAsync(blob, etag, path, 8, json, length, tensorName: null, cancellationToken);
        var header = SafetensorsHeader.Parse(json, length, path);

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(prefix);
        sha.AppendData(json);
        var info = new WeightFileInfo(path[(path.LastIndexOf('/') + 1)..], length, Convert.ToHexStringLower(sha.GetHashAndReset()));
        return new AzureWeightFile(path, blob, etag, header, info, options);
    }

    /// <summary>True while the blob still has the ETag and length seen at open (one HEAD request).</summary>
    public async Task<bool> IsCurrentAsync(CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            // Listings and HEAD answers may quote the same ETag differently.
            return properties.ETag.ToString().Trim('"') == etag.ToString().Trim('"') && properties.ContentLength == Info.Bytes;
        }
        catch (RequestFailedException e) when (AzureErrors.IsNotFound(e))
        {
            return false;
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"{Path}: checking whether it changed", e);
        }
    }

    /// <summary>Fetches bytes [offset, offset + destination.Length) with parallel ranged GETs.</summary>
    public async Task ReadAsync(long offset, Memory<byte> destination, string? tensorName, CancellationToken cancellationToken)
    {
        var rangeBytes = options.ReadRangeBytes;
        var ranges = (int)((destination.Length + (long)rangeBytes - 1) / rangeBytes);
        if (ranges <= 1)
        {
            await ReadRangeAsync(blob, etag, Path, offset, destination, Header.FileLength, tensorName, cancellationToken);
            return;
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.ReadConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, ranges), parallel, async (i, token) =>
        {
            var start = (long)i * rangeBytes;
            var part = destination.Slice((int)start, (int)Math.Min(rangeBytes, destination.Length - start));
            await ReadRangeAsync(blob, etag, Path, offset + start, part, Header.FileLength, tensorName, token);
        });
    }

    private static async Task ReadRangeAsync(
        BlobClient blob, ETag etag, string path, long offset, Memory<byte> destination, long expectedLength, string? tensorName, CancellationToken cancellationToken)
    {
        if (destination.IsEmpty)
        {
            return;
        }

        BlobDownloadStreamingResult result;
        try
        {
            result = (await blob.DownloadStreamingAsync(
                new BlobDownloadOptions
                {
                    Range = new HttpRange(offset, destination.Length),
                    Conditions = etag == default ? null : new BlobRequestConditions { IfMatch = etag },
                },
                cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            throw new SafetensorsFormatException(path, tensorName, "the blob was replaced or deleted after the checkpoint was opened; open it again", e);
        }
        catch (RequestFailedException e) when (e.Status == 416)
        {
            throw new SafetensorsFormatException(path, tensorName, $"file ended before byte {offset} while reading (was it truncated after opening?)", e);
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException)
        {
            throw AzureErrors.Wrap($"{path}: reading bytes [{offset}, {offset + destination.Length})", e);
        }

        using (result)
        {
            var total = TotalLength(result.Details.ContentRange);
            if (total is { } actual && actual != expectedLength)
            {
                throw new SafetensorsFormatException(path, tensorName, $"blob is {actual} bytes now, not the {expectedLength} its header was read from (was it replaced after opening?)");
            }

            var read = await result.Content.ReadAtLeastAsync(destination, destination.Length, throwOnEndOfStream: false, cancellationToken);
            if (read < destination.Length)
            {
                throw new SafetensorsFormatException(path, tensorName, $"file ended at byte {offset + read} while reading (was it truncated after opening?)");
            }
        }
    }

    /// <summary>The total of a "bytes a-b/total" Content-Range, or null when absent or unknown ("*").</summary>
    private static long? TotalLength(string? contentRange)
    {
        var slash = contentRange?.LastIndexOf('/') ?? -1;
        return slash >= 0 && long.TryParse(contentRange.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total) ? total : null;
    }
}
