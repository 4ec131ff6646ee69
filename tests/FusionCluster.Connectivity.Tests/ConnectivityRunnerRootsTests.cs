using FusionCluster.Connectivity.Tests.Support;
using FusionCluster.Core.Storage;

namespace FusionCluster.Connectivity.Tests;

/// <summary>
/// A path's endpoints are read through the data roots they are given (a silo's, for a connect sweep's point): a weight
/// file linked out of a model folder that lies inside the roots is refused, naming it.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ConnectivityRunnerRootsTests(TrainedPairs pairs)
{
    [Fact]
    public void A_weight_file_linked_out_of_the_roots_is_refused_and_read_when_no_roots_are_set()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("root");
        var (a, b) = pairs.Mlps;
        a.Save(Path.Combine(root, "a"));
        b.Save(temp.Combine("private"));
        Directory.CreateDirectory(Path.Combine(root, "b"));
        foreach (var file in Directory.EnumerateFiles(temp.Combine("private")))
        {
            File.CreateSymbolicLink(Path.Combine(root, "b", Path.GetFileName(file)), file);
        }

        var options = new ConnectOptions { Points = 3, EvaluationSamples = 100 };
        var error = Assert.Throws<StorageException>(() =>
            ConnectivityRunner.Run(Path.Combine(root, "a"), Path.Combine(root, "b"), pairs.Dataset, options with { Roots = new LocalRoots([root]) }, TestContext.Current.CancellationToken));

        Assert.Contains(Path.Combine(root, "b"), error.Message, StringComparison.Ordinal);
        Assert.Contains("outside the configured data roots", error.Message, StringComparison.Ordinal);
        // The same folders without roots (fusion connect on its own arguments): the links are followed.
        Assert.Equal(3, ConnectivityRunner.Run(Path.Combine(root, "a"), Path.Combine(root, "b"), pairs.Dataset, options, TestContext.Current.CancellationToken).Points.Count);
    }
}
