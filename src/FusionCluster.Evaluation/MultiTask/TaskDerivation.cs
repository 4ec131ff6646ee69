using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Models;

namespace FusionCluster.Evaluation.MultiTask;

/// <summary>Derived tasks: the same labels with every image transformed (rotated, inverted, pixel-permuted), and seeded subsets.</summary>
public static class TaskDerivation
{
    /// <summary>
    /// <paramref name="train"/> training and <paramref name="heldOut"/> held-out samples drawn by the seed from each split
    /// (source files are ordered by class, so the first N would be one class).
    /// </summary>
    public static ImageDataset Sample(ImageDataset source, int train, int heldOut, ulong seed)
    {
        var random = new DeterministicRandom(seed);
        var trainIndices = source.Indices(DatasetSplit.Train);
        var heldOutIndices = source.Indices(DatasetSplit.HeldOut);
        if (trainIndices.Length < train || heldOutIndices.Length < heldOut)
        {
            throw new ArgumentException($"the dataset has {trainIndices.Length} train and {heldOutIndices.Length} held-out samples; {train} and {heldOut} were asked for");
        }

        random.Shuffle(trainIndices);
        random.Shuffle(heldOutIndices);
        var chosen = trainIndices[..train].Concat(heldOutIndices[..heldOut]).ToArray();
        var size = source.SampleSize;
        var pixels = new byte[(long)chosen.Length * size];
        var labels = new byte[chosen.Length];
        for (var s = 0; s < chosen.Length; s++)
        {
            source.Image(chosen[s]).CopyTo(pixels.AsSpan(s * size, size));
            labels[s] = (byte)source.Label(chosen[s]);
        }

        return new ImageDataset(train, heldOut, source.Channels, source.Height, source.Width, source.ClassCount, pixels, labels);
    }

    /// <summary>Every image turned 90° clockwise: output (r, c) takes input (H - 1 - c, r). Square single-channel images only.</summary>
    public static ImageDataset Rotate90(ImageDataset source)
    {
        RequireSquareGray(source);
        var n = source.Height;
        return Map(source, image =>
        {
            var rotated = new byte[image.Length];
            for (var r = 0; r < n; r++)
            {
                for (var c = 0; c < n; c++)
                {
                    rotated[(r * n) + c] = image[((n - 1 - c) * n) + r];
                }
            }

            return rotated;
        });
    }

    /// <summary>Every pixel p becomes 255 - p.</summary>
    public static ImageDataset Invert(ImageDataset source) =>
        Map(source, image => image.Select(p => (byte)(255 - p)).ToArray());

    /// <summary>One fixed permutation of pixel positions (drawn from <paramref name="seed"/>) applied to every image.</summary>
    public static ImageDataset Permute(ImageDataset source, ulong seed)
    {
        var permutation = Enumerable.Range(0, source.SampleSize).ToArray();
        new DeterministicRandom(seed).Shuffle(permutation);
        return Map(source, image =>
        {
            var permuted = new byte[image.Length];
            for (var p = 0; p < permuted.Length; p++)
            {
                permuted[p] = image[permutation[p]];
            }

            return permuted;
        });
    }

    private static ImageDataset Map(ImageDataset source, Func<byte[], byte[]> transform)
    {
        var size = source.SampleSize;
        var pixels = new byte[(long)source.Count * size];
        for (var s = 0; s < source.Count; s++)
        {
            transform(source.Image(s).ToArray()).CopyTo(pixels.AsSpan(s * size, size));
        }

        return new ImageDataset(source.TrainCount, source.HeldOutCount, source.Channels, source.Height, source.Width, source.ClassCount, pixels, source.Labels.ToArray());
    }

    private static void RequireSquareGray(ImageDataset source)
    {
        if (source.Channels != 1 || source.Height != source.Width)
        {
            throw new ArgumentException($"rotation needs square single-channel images, got {source.Channels}x{source.Height}x{source.Width}");
        }
    }
}
