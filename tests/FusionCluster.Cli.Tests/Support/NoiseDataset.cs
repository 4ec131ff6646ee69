using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Cli.Tests.Support;

/// <summary>Random 28x28 images in 10 classes: nothing to learn, but real work for every training step.</summary>
public static class NoiseDataset
{
    public static string Write(string path, int train, int heldOut)
    {
        const int size = 28 * 28;
        var random = new Random(7);
        var pixels = new byte[(train + heldOut) * size];
        random.NextBytes(pixels);
        var labels = Enumerable.Range(0, train + heldOut).Select(i => (byte)(i % 10)).ToArray();
        ImageDatasetFile.Write(path, new ImageDataset(train, heldOut, 1, 28, 28, 10, pixels, labels));
        return path;
    }
}
