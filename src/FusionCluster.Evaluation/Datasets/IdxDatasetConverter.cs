using System.Buffers.Binary;
using System.IO.Compression;

namespace FusionCluster.Evaluation.Datasets;

/// <summary>
/// Reads datasets in the IDX format of MNIST and Fashion-MNIST (a folder with train-images-idx3-ubyte,
/// train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each optionally gzipped, as
/// Debian's dataset-fashion-mnist installs under /usr/share/datasets/fashion-mnist). The train files become the
/// training split and the t10k files the held-out split. IDX is big-endian: magic 0x00000803 (images: count,
/// rows, columns, then uint8 pixels) or 0x00000801 (labels: count, then uint8 labels).
/// </summary>
public static class IdxDatasetConverter
{
    public const string DebianFashionMnistFolder = "/usr/share/datasets/fashion-mnist";
    private const int ImagesMagic = 0x00000803;
    private const int LabelsMagic = 0x00000801;

    /// <param name="maxTrain">Keep only the first this many training samples (all when null).</param>
    /// <param name="maxHeldOut">Keep only the first this many held-out samples (all when null).</param>
    public static ImageDataset Convert(string folder, int classCount = 10, int? maxTrain = null, int? maxHeldOut = null)
    {
        var (trainPixels, height, width) = ReadImages(Find(folder, "train-images-idx3-ubyte"), maxTrain);
        var trainLabels = ReadLabels(Find(folder, "train-labels-idx1-ubyte"), maxTrain);
        var (testPixels, testHeight, testWidth) = ReadImages(Find(folder, "t10k-images-idx3-ubyte"), maxHeldOut);
        var testLabels = ReadLabels(Find(folder, "t10k-labels-idx1-ubyte"), maxHeldOut);
        if (testHeight != height || testWidth != width)
        {
            throw new DatasetFormatException(folder, $"training images are {height}x{width} but held-out images are {testHeight}x{testWidth}");
        }

        var sampleSize = height * width;
        if (trainPixels.Length / sampleSize != trainLabels.Length || testPixels.Length / sampleSize != testLabels.Length)
        {
            throw new DatasetFormatException(folder, $"image and label counts differ ({trainPixels.Length / sampleSize} vs {trainLabels.Length} train, {testPixels.Length / sampleSize} vs {testLabels.Length} held-out)");
        }

        var bad = Array.FindIndex(trainLabels.Concat(testLabels).ToArray(), l => l >= classCount);
        if (bad >= 0)
        {
            throw new DatasetFormatException(folder, $"sample {bad} has label {trainLabels.Concat(testLabels).ElementAt(bad)}, but there are only {classCount} classes");
        }

        return new ImageDataset(trainLabels.Length, testLabels.Length, 1, height, width, classCount, [.. trainPixels, .. testPixels], [.. trainLabels, .. testLabels]);
    }

    private static string Find(string folder, string name)
    {
        foreach (var candidate in new[] { Path.Combine(folder, name), Path.Combine(folder, name + ".gz") })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DatasetFormatException(Path.Combine(folder, name), "missing (looked for it with and without .gz)");
    }

    private static byte[] ReadAll(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var buffer = new MemoryStream();
        try
        {
            stream.CopyTo(buffer);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException(path, "is not valid gzip", e);
        }

        return buffer.ToArray();
    }

    private static (byte[] Pixels, int Height, int Width) ReadImages(string path, int? max)
    {
        var bytes = ReadAll(path);
        if (bytes.Length < 16 || BinaryPrimitives.ReadInt32BigEndian(bytes) != ImagesMagic)
        {
            throw new DatasetFormatException(path, $"not an IDX image file (expected magic 0x{ImagesMagic:x8})");
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        var height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        var width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        if (count < 0 || height <= 0 || width <= 0 || bytes.Length != 16 + ((long)count * height * width))
        {
            throw new DatasetFormatException(path, $"header says {count} images of {height}x{width}, which needs {16 + ((long)count * height * width)} bytes, but the file has {bytes.Length}");
        }

        var keep = Math.Min(count, max ?? count);
        return (bytes.AsSpan(16, keep * height * width).ToArray(), height, width);
    }

    private static byte[] ReadLabels(string path, int? max)
    {
        var bytes = ReadAll(path);
        if (bytes.Length < 8 || BinaryPrimitives.ReadInt32BigEndian(bytes) != LabelsMagic)
        {
            throw new DatasetFormatException(path, $"not an IDX label file (expected magic 0x{LabelsMagic:x8})");
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        if (count < 0 || bytes.Length != 8 + count)
        {
            throw new DatasetFormatException(path, $"header says {count} labels, but the file has {bytes.Length - 8} bytes after it");
        }

        return bytes.AsSpan(8, Math.Min(count, max ?? count)).ToArray();
    }
}
