using FusionCluster.Evaluation.DataAware;
using FusionCluster.Evaluation.Tests.Support;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Tests.DataAware;

[Collection(TorchCollection.Name)]
public sealed class FisherMethodTests
{
    [Fact]
    public void Fisher_merging_with_equal_fishers_is_the_simple_average()
    {
        using var a = tensor(new float[] { 1, -2, 3, 10 });
        using var b = tensor(new float[] { 3, 2, -1, 0 });
        using var fisher = tensor(new float[] { 0.7f, 5, 0, 1e-3f });

        using var merged = FisherMethod.WeightedAverage([a, b], [fisher, fisher], epsilon: 1e-8);

        Assert.Equal(new float[] { 2, 0, 1, 5 }, merged.data<float>().ToArray(), new FloatTolerance(1e-5f));
    }

    [Fact]
    public void Fisher_merging_weights_each_parameter_by_its_fishers()
    {
        using var a = tensor(new float[] { 2, 4 });
        using var b = tensor(new float[] { 6, 8 });
        using var fa = tensor(new float[] { 3, 0 });
        using var fb = tensor(new float[] { 1, 2 });

        using var merged = FisherMethod.WeightedAverage([a, b], [fa, fb], epsilon: 1e-8);

        // (3·2 + 1·6) / 4 = 3; the second parameter only moves model b's likelihood: 8.
        Assert.Equal(new float[] { 3, 8 }, merged.data<float>().ToArray(), new FloatTolerance(1e-4f));
    }
}
