using System.Buffers.Binary;
using System.Text;

namespace FusionCluster.Evaluation.Datasets;

/// <summary>
/// Reads and writes the FusionCluster dataset file (.fcds): labelled uint8 images with a fixed
/// train/held-out split. Little-endian throughout:
/// <code>
/// offset  bytes      field
/// 0       4          magic "FCDS"
/// 4       4          format version (1)
/// 8       4          train sample count T
/// 12      4          held-out sample count H
/// 16      4          channels C
/// 20      4          height Y
/// 24      4          width X
/// 28      4          class count K (1..256)
/// 32      N*C*Y*X    pixels, uint8, sample by sample, each (channel, row, column) row-major; N = T + H
/// ...     N          labels, uint8, each &lt; K
/// ...     4          CRC-32 (IEEE) of every byte before it
/// </code>
/// Samples [0, T) are the training split, [T, N) the held-out split. Everything is validated on read,
/// and every error names the file.
/// </summary>
public static class ImageDatasetFile
{
    public const int HeaderLength = 32;
    public const uint FormatVersion = 1;
    public const string Extension = ".fcds";

    private static readonly byte[] Magic = "FCDS"u8.ToArray();

    public static void Write(string path, ImageDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);

        var header = new byte[HeaderLength];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), (uint)dataset.TrainCount);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), (uint)dataset.HeldOutCount);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), (uint)dataset.Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), (uint)dataset.Height);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), (uint)dataset.Width);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), (uint)dataset.ClassCount);

        var crc = Crc32.Append(Crc32.Start, header);
        crc = Crc32.Append(crc, dataset.Pixels);
        crc = Crc32.Append(crc, dataset.Labels);
        var trailer = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32.Finish(crc));

        // Written beside the target and moved over it, so a reader never sees half a file.
        var staging = full + ".partial";
        using (var stream = new FileStream(staging, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(header);
            stream.Write(dataset.Pixels);
            stream.Write(dataset.Labels);
            stream.Write(trailer);
        }

        File.Move(staging, full, overwrite: true);
    }

    public static ImageDataset Read(string path)
    {
        var full = Path.GetFullPath(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFormatException(full, $"cannot read dataset file: {e.Message}", e);
        }

        if (bytes.Length < HeaderLength)
        {
            throw new DatasetFormatException(full, $"file is {bytes.Length} bytes, shorter than the {HeaderLength}-byte header of a dataset file (truncated, or not a dataset file)");
        }

        if (!bytes.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new DatasetFormatException(full, $"not a FusionCluster dataset file: it starts with {Printable(bytes.AsSpan(0, 4))}, expected \"FCDS\"");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4));
        if (version != FormatVersion)
        {
            throw new DatasetFormatException(full, $"dataset format version {version} is not supported (this build reads version {FormatVersion})");
        }

        var train = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        var heldOut = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        var channels = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16));
        var height = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(20));
        var width = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(24));
        var classes = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(28));
        if (channels == 0 || height == 0 || width == 0 || channels > 4096 || height > 65536 || width > 65536)
        {
            throw new DatasetFormatException(full, $"header declares an image shape of {channels}x{height}x{width} (channels x height x width), which is not a usable shape");
        }

        if (classes is 0 or > 256)
        {
            throw new DatasetFormatException(full, $"header declares {classes} classes; labels are single bytes, so 1 to 256 are allowed");
        }

        // The counts are untrusted: the expected length is computed in 128 bits, where no product of
        // header fields can overflow, and compared with the real length before anything is sliced.
        var count = (UInt128)train + heldOut;
        var sampleSize = (UInt128)channels * height * width;
        var expected = HeaderLength + (count * sampleSize) + count + 4;
        if (expected != (UInt128)bytes.LongLength)
        {
            throw new DatasetFormatException(full, $"header declares {train} train + {heldOut} held-out samples of {channels}x{height}x{width}, which need {expected} bytes, but the file has {bytes.LongLength} (truncated, or extra bytes at the end)");
        }

        var payloadLength = bytes.Length - 4;
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(payloadLength));
        var actual = Crc32.Compute(bytes.AsSpan(0, payloadLength));
        if (stored != actual)
        {
            throw new DatasetFormatException(full, $"checksum mismatch: the file records CRC-32 {stored:x8} but its contents hash to {actual:x8} (the file is corrupted)");
        }

        var pixelLength = (int)(count * sampleSize);
        var pixels = bytes.AsSpan(HeaderLength, pixelLength).ToArray();
        var labels = bytes.AsSpan(HeaderLength + pixelLength, (int)count).ToArray();
        var bad = Array.FindIndex(labels, l => l >= classes);
        if (bad >= 0)
        {
            throw new DatasetFormatException(full, $"sample {bad} has label {labels[bad]}, but the header declares {classes} classes (0..{classes - 1})");
        }

        return new ImageDataset((int)train, (int)heldOut, (int)channels, (int)height, (int)width, (int)classes, pixels, labels);
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            text.Append(b is >= 0x20 and < 0x7F ? $"'{(char)b}'" : $"0x{b:x2}").Append(' ');
        }

        return text.ToString().TrimEnd();
    }
}
