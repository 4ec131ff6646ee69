using System.IO.Compression;
using FusionCluster.Evaluation.Datasets;

namespace FusionCluster.Evaluation.Tests.Datasets;

public sealed class IdxDatasetConverterTests
{
    [Fact]
    public void Train_and_t10k_files_become_the_two_splits_gzipped_or_not()
    {
        using var folder = new TempDirectory();
        // Two 2x3 training images (labels 1, 0) gzipped; one held-out image (label 2) plain.
        WriteGzip(folder.Combine("train-images-idx3-ubyte.gz"), [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        WriteGzip(folder.Combine("train-labels-idx1-ubyte.gz"), [0, 0, 8, 1, 0, 0, 0, 2, 1, 0]);
        File.WriteAllBytes(folder.Combine("t10k-images-idx3-ubyte"), [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 255, 254, 253, 252, 251, 250]);
        File.WriteAllBytes(folder.Combine("t10k-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 1, 2]);

        var dataset = IdxDatasetConverter.Convert(folder.Path, classCount: 3);

        Assert.Equal((2, 1, 1, 2, 3, 3), (dataset.TrainCount, dataset.HeldOutCount, dataset.Channels, dataset.Height, dataset.Width, dataset.ClassCount));
        Assert.Equal([7, 8, 9, 10, 11, 12], dataset.Image(1).ToArray());
        Assert.Equal([255, 254, 253, 252, 251, 250], dataset.Image(2).ToArray());
        Assert.Equal([1, 0, 2], dataset.Labels.ToArray());
        Assert.Equal([0], dataset.Indices(DatasetSplit.Train, [1]));
    }

    [Fact]
    public void A_truncated_image_file_is_an_error_naming_it()
    {
        using var folder = new TempDirectory();
        File.WriteAllBytes(folder.Combine("train-images-idx3-ubyte"), [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3]);

        var error = Assert.Throws<DatasetFormatException>(() => IdxDatasetConverter.Convert(folder.Path));

        Assert.Contains("train-images-idx3-ubyte", error.Message);
        Assert.Contains("2 images of 2x3", error.Message);
    }

    private static void WriteGzip(string path, byte[] bytes)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(bytes);
    }
}
