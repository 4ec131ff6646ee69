using FusionCluster.Alignment.Specs;

namespace FusionCluster.Alignment.Tests.Specs;

public sealed class YamlPermutationSpecTests
{
    private static readonly Dictionary<string, long[]> Shapes = new()
    {
        ["fc1.weight"] = [6, 3],
        ["fc1.bias"] = [6],
        ["fc2.weight"] = [2, 6],
        ["fc2.bias"] = [2],
    };

    [Fact]
    public void Reads_groups_blocks_and_unpermuted_tensors_and_infers_sizes()
    {
        const string yaml = """
            permutation_spec:
              tensors:
                fc1.weight: [{group: pairs, block: 2}, null]
                fc1.bias: [{group: pairs, block: 2}]
                fc2.weight: [null, {group: pairs, block: 2}]
                fc2.bias: []
            """;

        var spec = YamlPermutationSpec.Parse(yaml, "spec.yaml", Shapes);

        Assert.Equal([new PermutationGroup("pairs", 3)], spec.Groups);
        Assert.Equal([new PermutedAxis(1, "pairs", 2)], spec.Tensors["fc2.weight"]);
        Assert.Empty(spec.Tensors["fc2.bias"]);
        spec.CheckCovers(Shapes, "m");
    }

    [Theory]
    [InlineData("permutation_spec:\n  tensors:\n    fc1.weight: [h, null]\n    fc1.bias: [h]\n    fc2.weight: [h, null]\n", "tensor 'fc2.weight' axis 0 gives group 'h' 2 units, but tensor 'fc1.weight' gives it 6")]
    [InlineData("permutation_spec:\n  tensors:\n    nope.weight: [h]\n", "line 3: tensor 'nope.weight' is not in the model")]
    [InlineData("permutation_spec:\n  tensors:\n    fc1.weight: [h]\n", "tensor 'fc1.weight' has 2 axes ([6, 3]) but the spec lists 1")]
    [InlineData("permutation_spec:\n  tensor: {}\n", "unknown key 'tensor'")]
    public void Bad_specs_fail_naming_the_tensor_or_key(string yaml, string expected)
    {
        var error = Assert.Throws<AlignmentException>(() => YamlPermutationSpec.Parse(yaml, "spec.yaml", Shapes));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_deeply_nested_spec_is_refused_by_the_spec_parsers_depth_limit_instead_of_overflowing_the_stack()
    {
        // 28 KB of nested flow sequences killed silos through the merge spec parser; this file is read on silos too.
        var nested = "permutation_spec:\n  tensors:\n    fc1.weight: " + new string('[', 14_000) + new string(']', 14_000) + "\n";

        var error = Assert.Throws<AlignmentException>(() => YamlPermutationSpec.Parse(nested, "spec.yaml", Shapes));

        Assert.Contains("spec.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains("deep", error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
