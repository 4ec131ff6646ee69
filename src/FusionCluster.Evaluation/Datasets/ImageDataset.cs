namespace FusionCluster.Evaluation.Datasets;

/// <summary>
/// Labelled uint8 images held in memory: samples [0, TrainCount) are the training split and
/// [TrainCount, Count) the held-out split. Pixels are row-major per sample (channel, row, column).
/// </summary>
public sealed class ImageDataset
{
    private readonly byte[] pixels;
    private readonly byte[] labels;

    public ImageDataset(int trainCount, int heldOutCount, int channels, int height, int width, int classCount, byte[] pixels, byte[] labels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trainCount);
        ArgumentOutOfRangeException.ThrowIfNegative(heldOutCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, 256);
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        var count = checked(trainCount + heldOutCount);
        var sampleSize = checked(channels * height * width);
        if (pixels.LongLength != (long)count * sampleSize)
        {
            throw new ArgumentException($"{count} samples of {channels}x{height}x{width} need {(long)count * sampleSize} pixel bytes, got {pixels.LongLength}", nameof(pixels));
        }

        if (labels.Length != count)
        {
            throw new ArgumentException($"{count} samples need {count} labels, got {labels.Length}", nameof(labels));
        }

        var bad = Array.FindIndex(labels, l => l >= classCount);
        if (bad >= 0)
        {
            throw new ArgumentException($"sample {bad} has label {labels[bad]}, but there are only {classCount} classes", nameof(labels));
        }

        TrainCount = trainCount;
        HeldOutCount = heldOutCount;
        Channels = channels;
        Height = height;
        Width = width;
        ClassCount = classCount;
        this.pixels = pixels;
        this.labels = labels;
    }

    public int TrainCount { get; }

    public int HeldOutCount { get; }

    public int Count => TrainCount + HeldOutCount;

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    public int ClassCount { get; }

    /// <summary>Bytes (pixels) per sample.</summary>
    public int SampleSize => Channels * Height * Width;

    /// <summary>All pixels, sample after sample.</summary>
    public ReadOnlySpan<byte> Pixels => pixels;

    /// <summary>All labels, one byte per sample.</summary>
    public ReadOnlySpan<byte> Labels => labels;

    public ReadOnlySpan<byte> Image(int index) => pixels.AsSpan(checked(index * SampleSize), SampleSize);

    public int Label(int index) => labels[index];

    /// <summary>Indices of a split's samples in file order, optionally only those whose label is in <paramref name="classes"/>.</summary>
    public int[] Indices(DatasetSplit split, IReadOnlyCollection<int>? classes = null)
    {
        var (start, end) = split switch
        {
            DatasetSplit.Train => (0, TrainCount),
            DatasetSplit.HeldOut => (TrainCount, Count),
            DatasetSplit.All => (0, Count),
            _ => throw new ArgumentOutOfRangeException(nameof(split), split, "unknown split"),
        };
        foreach (var c in classes ?? [])
        {
            if (c < 0 || c >= ClassCount)
            {
                throw new ArgumentOutOfRangeException(nameof(classes), $"class {c} is not one of the dataset's classes 0..{ClassCount - 1}");
            }
        }

        var wanted = classes?.ToHashSet();
        var indices = new List<int>(end - start);
        for (var i = start; i < end; i++)
        {
            if (wanted is null || wanted.Contains(labels[i]))
            {
                indices.Add(i);
            }
        }

        return [.. indices];
    }
}
