using FusionCluster.Core.Planning;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Tests.Planning;

public sealed class TensorReadsTests
{
    private static readonly Dictionary<string, double> NoParameters = [];

    [Fact]
    public void A_key_lists_each_stored_tensor_read_once_in_ordinal_order()
    {
        // Models a and c are the same folder: their x is one read. The base's folder sorts after a's.
        var paths = new Dictionary<string, string> { ["base"] = "/m/base", ["a"] = "/m/a", ["c"] = "/m/a", ["d"] = "/m/D" };
        var tensor = Tensor(new TensorInput("base", "x", NoParameters), new("a", "x", NoParameters), new("c", "x", NoParameters), new("d", "y", NoParameters));

        Assert.Equal(["/m/base\tx", "/m/a\tx", "/m/D\ty"], TensorReads.Of(tensor, paths).Select(r => $"{r.Location}\t{r.Tensor}"));
        Assert.Equal("/m/D\ty\n/m/a\tx\n/m/base\tx", TensorReads.Key(tensor, paths));
    }

    [Fact]
    public void Tensors_reading_the_same_stored_tensors_in_another_order_share_a_key()
    {
        var paths = new Dictionary<string, string> { ["base"] = "/m/base", ["a"] = "/m/a", ["b"] = "/m/b" };
        var one = Tensor(new TensorInput("base", "w", NoParameters), new("a", "w", NoParameters), new("b", "w", NoParameters));
        var other = Tensor(new TensorInput("base", "w", NoParameters), new("b", "w", NoParameters), new("a", "w", new Dictionary<string, double> { ["weight"] = 2 }));

        Assert.Equal(TensorReads.Key(one, paths), TensorReads.Key(other, paths));
        Assert.NotEqual(TensorReads.Key(one, paths), TensorReads.Key(Tensor(null, new("a", "w", NoParameters), new("b", "w", NoParameters)), paths));
    }

    private static TensorPlan Tensor(TensorInput? baseInput, params TensorInput[] inputs) => new()
    {
        Name = "w",
        Kind = TensorKind.Merge,
        Shape = [4],
        OutputDType = DType.BF16,
        ComputeDType = DType.F32,
        Base = baseInput,
        Inputs = inputs,
    };
}
