using FusionCluster.Alignment.Specs;

namespace FusionCluster.Alignment.Tests.Specs;

public sealed class ClassifierPermutationSpecTests
{
    [Fact]
    public void An_MLP_gets_one_group_per_hidden_layer_linking_outputs_to_the_next_inputs()
    {
        var shapes = new Dictionary<string, long[]>
        {
            ["layers.0.weight"] = [32, 784],
            ["layers.0.bias"] = [32],
            ["layers.1.weight"] = [16, 32],
            ["layers.1.bias"] = [16],
            ["layers.2.weight"] = [10, 16],
            ["layers.2.bias"] = [10],
        };

        var spec = ClassifierPermutationSpec.Derive(shapes, "mlp");

        Assert.Equal([new PermutationGroup("layers.0.out", 32), new PermutationGroup("layers.1.out", 16)], spec.Groups);
        Assert.Equal([new PermutedAxis(0, "layers.0.out")], spec.Tensors["layers.0.weight"]);
        Assert.Equal([new PermutedAxis(0, "layers.1.out"), new PermutedAxis(1, "layers.0.out")], spec.Tensors["layers.1.weight"]);
        Assert.Equal([new PermutedAxis(1, "layers.1.out")], spec.Tensors["layers.2.weight"]);
        Assert.Empty(spec.Tensors["layers.2.bias"]);
        spec.CheckCovers(shapes, "mlp");
    }

    [Fact]
    public void A_CNN_moves_each_channel_of_the_flattened_feature_map_as_a_block_of_pixels()
    {
        // 28x28 input, two conv+pool steps: 7x7 maps of 8 channels flatten into 392 features.
        var shapes = new Dictionary<string, long[]>
        {
            ["layers.0.weight"] = [4, 1, 3, 3],
            ["layers.0.bias"] = [4],
            ["layers.1.weight"] = [8, 4, 3, 3],
            ["layers.1.bias"] = [8],
            ["layers.2.weight"] = [10, 392],
            ["layers.2.bias"] = [10],
        };

        var spec = ClassifierPermutationSpec.Derive(shapes, "cnn");

        Assert.Equal([new PermutedAxis(0, "layers.1.out"), new PermutedAxis(1, "layers.0.out")], spec.Tensors["layers.1.weight"]);
        Assert.Equal([new PermutedAxis(1, "layers.1.out", 49)], spec.Tensors["layers.2.weight"]);
        spec.CheckCovers(shapes, "cnn");
    }

    [Fact]
    public void Coverage_errors_name_the_tensor()
    {
        var shapes = new Dictionary<string, long[]> { ["layers.0.weight"] = [4, 2], ["layers.0.bias"] = [4], ["layers.1.weight"] = [2, 4], ["layers.1.bias"] = [2] };
        var spec = ClassifierPermutationSpec.Derive(shapes, "m");

        var extra = new Dictionary<string, long[]>(shapes) { ["extra.weight"] = [3] };
        Assert.Contains("'extra.weight' is not covered", Assert.Throws<AlignmentException>(() => spec.CheckCovers(extra, "m")).Message);

        var wrong = new Dictionary<string, long[]>(shapes) { ["layers.0.bias"] = [5] };
        Assert.Contains("'layers.0.bias' axis 0 has 5 entries", Assert.Throws<AlignmentException>(() => spec.CheckCovers(wrong, "m")).Message);
    }
}
