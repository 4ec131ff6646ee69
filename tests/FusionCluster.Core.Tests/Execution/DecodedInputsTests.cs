using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;

namespace FusionCluster.Core.Tests.Execution;

public sealed class DecodedInputsTests
{
    private static readonly ArrayTensorSource Weight = new([1, 2], 2);

    [Fact]
    public void A_folder_is_found_however_its_path_is_spelled_and_only_with_the_same_tensor()
    {
        var folder = Path.Combine(Path.GetTempPath(), "models", "ft-1");
        var decoded = new DecodedInputs();
        decoded.Add(folder + Path.DirectorySeparatorChar, "layers.0.weight", Weight);

        Assert.Same(Weight, decoded.Find(Path.Combine(Path.GetTempPath(), "models", "x", "..", "ft-1"), "layers.0.weight"));
        Assert.Null(decoded.Find(folder, "layers.1.weight"));
        Assert.Null(decoded.Find(Path.Combine(Path.GetTempPath(), "models", "ft-2"), "layers.0.weight"));
    }

    [Fact]
    public void Blob_locations_take_no_part()
    {
        var decoded = new DecodedInputs();
        decoded.Add("az://models/ft-1", "w", Weight);
        Assert.Equal(0, decoded.Count);
        Assert.Null(decoded.Find("az://models/ft-1", "w"));
    }
}
