using System.Buffers.Binary;
using System.Text;
using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Tests.Support;

namespace FusionCluster.Evaluation.Tests.Datasets;

public sealed class ImageDatasetFileTests
{
    // Three 1x2x3 images: two train, one held out, four classes.
    private static readonly byte[] Pixels = [1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60, 0, 255, 0, 255, 0, 255];
    private static readonly byte[] Labels = [3, 0, 2];

    [Fact]
    public void Round_trip_keeps_shape_split_pixels_and_labels()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("tiny.fcds");
        ImageDatasetFile.Write(path, Tiny());

        var read = ImageDatasetFile.Read(path);

        Assert.Equal((2, 1, 1, 2, 3, 4), (read.TrainCount, read.HeldOutCount, read.Channels, read.Height, read.Width, read.ClassCount));
        Assert.Equal(Pixels, read.Pixels.ToArray());
        Assert.Equal(Labels, read.Labels.ToArray());
        Assert.Equal([0, 1], read.Indices(DatasetSplit.Train));
        Assert.Equal([2], read.Indices(DatasetSplit.HeldOut));
        Assert.Equal([0, 2], read.Indices(DatasetSplit.All, classes: [2, 3]));
        Assert.Equal(new byte[] { 0, 255, 0, 255, 0, 255 }, read.Image(2).ToArray());
    }

    [Fact]
    public void The_bytes_follow_the_documented_layout()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("tiny.fcds");
        ImageDatasetFile.Write(path, Tiny());

        var bytes = File.ReadAllBytes(path);

        Assert.Equal(32 + Pixels.Length + Labels.Length + 4, bytes.Length);
        Assert.Equal("FCDS", Encoding.ASCII.GetString(bytes, 0, 4));
        uint[] header = [.. Enumerable.Range(1, 7).Select(i => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i * 4)))];
        Assert.Equal(new uint[] { 1, 2, 1, 1, 2, 3, 4 }, header);
        Assert.Equal(Pixels, bytes[32..(32 + Pixels.Length)]);
        Assert.Equal(Labels, bytes[(32 + Pixels.Length)..^4]);
        Assert.Equal(BitwiseCrc32(bytes.AsSpan(0, bytes.Length - 4)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)));
    }

    [Fact]
    public void A_truncated_file_is_refused_naming_the_file()
    {
        using var temp = new TempDirectory();
        var path = WriteTiny(temp);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^5]);

        var error = Assert.Throws<DatasetFormatException>(() => ImageDatasetFile.Read(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_shorter_than_the_header_is_refused()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("short.fcds");
        File.WriteAllBytes(path, "FCDS"u8.ToArray());

        var error = Assert.Throws<DatasetFormatException>(() => ImageDatasetFile.Read(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("shorter than the 32-byte header", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_kind_of_file_is_refused_by_its_magic()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("not-a-dataset.fcds");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("{\"this is\": \"json, not a dataset file at all\"}"));

        var error = Assert.Throws<DatasetFormatException>(() => ImageDatasetFile.Read(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not a FusionCluster dataset file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_newer_format_version_is_refused()
    {
        using var temp = new TempDirectory();
        var path = WriteTiny(temp);
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 2);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<DatasetFormatException>(() => ImageDatasetFile.Read(path));

        Assert.Contains("version 2 is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_that_do_not_match_the_length_are_refused_even_when_huge()
    {
        using var temp = new TempDirectory();
        var path = WriteTiny(temp);
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), uint.MaxValue);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), 65536);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<DatasetFormatException>(() => ImageDatasetFile.Read(path));

        Assert.Contains($"{uint.MaxValue} train + 1 held-out samples", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flipped_pixel_is_caught_by_the_checksum()
    {
        using var temp = new TempDirectory();
        var path = WriteTiny(temp);
        var bytes = File.ReadAllBytes(path);
        bytes[32 + 7] ^= 0x10;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<DatasetFormatException>(() => ImageDatasetFile.Read(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("checksum mismatch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_outside_the_classes_is_refused_even_with_a_valid_checksum()
    {
        using var temp = new TempDirectory();
        var path = WriteTiny(temp);
        var bytes = File.ReadAllBytes(path);
        bytes[32 + Pixels.Length + 1] = 9;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), BitwiseCrc32(bytes.AsSpan(0, bytes.Length - 4)));
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<DatasetFormatException>(() => ImageDatasetFile.Read(path));

        Assert.Contains("sample 1 has label 9", error.Message, StringComparison.Ordinal);
        Assert.Contains("4 classes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_it()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("absent.fcds");

        var error = Assert.Throws<DatasetFormatException>(() => ImageDatasetFile.Read(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_table_crc_matches_the_standard_check_value()
    {
        // CRC-32/ISO-HDLC of "123456789" is 0xCBF43926 (the catalogue's check value).
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }

    private static ImageDataset Tiny() => new(2, 1, 1, 2, 3, 4, (byte[])Pixels.Clone(), (byte[])Labels.Clone());

    private static string WriteTiny(TempDirectory temp)
    {
        var path = temp.Combine("tiny.fcds");
        ImageDatasetFile.Write(path, Tiny());
        return path;
    }

    /// <summary>Bit-at-a-time CRC-32 (reflected 0xEDB88320), independent of the table version under test.</summary>
    private static uint BitwiseCrc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
            }
        }

        return ~crc;
    }
}
