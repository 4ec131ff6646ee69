using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Tests.Specs;

/// <summary>Specs built in code (not parsed) get the same structural checks.</summary>
public sealed class SpecValidatorTests
{
    private static readonly Dictionary<string, ParameterSetting> None = [];

    private static MergeSpec Slices(params SliceSpec[] slices) => new() { MergeMethod = "passthrough", Slices = slices };

    private static SliceSpec Slice(params SliceSource[] sources) => new(sources, null, None);

    [Fact]
    public void A_well_formed_spec_passes() =>
        SpecValidator.Validate(Slices(Slice(new SliceSource("a", new LayerRange(0, 4), None), new SliceSource("b", new LayerRange(4, 8), None))));

    [Fact]
    public void Structural_errors_are_reported()
    {
        string Fails(MergeSpec spec) => Assert.Throws<SpecException>(() => SpecValidator.Validate(spec)).Message;

        Assert.StartsWith("merge_method:", Fails(Slices(Slice(new SliceSource("a", new LayerRange(0, 1), None))) with { MergeMethod = " " }));
        Assert.StartsWith("slices: the list is empty", Fails(Slices()));
        Assert.StartsWith("slices[0].sources: the list is empty", Fails(Slices(Slice())));
        Assert.StartsWith("slices[0].sources[0].model: the model name is empty", Fails(Slices(Slice(new SliceSource("", new LayerRange(0, 1), None)))));
        Assert.StartsWith("slices[0].sources[0].layer_range: is required", Fails(Slices(Slice(new SliceSource("a", null, None)))));
        Assert.StartsWith("slices[0].sources[0].layer_range: [2, 2] is not a valid range", Fails(Slices(Slice(new SliceSource("a", new LayerRange(2, 2), None)))));
        Assert.StartsWith("slices[1].sources[1].layer_range: slice 1: every source must span the same number of layers (4 vs 3)", Fails(Slices(
            Slice(new SliceSource("a", new LayerRange(0, 1), None)),
            Slice(new SliceSource("a", new LayerRange(0, 4), None), new SliceSource("b", new LayerRange(0, 3), None)))));
        Assert.StartsWith("slices[0].sources[1].model: model 'a' is listed twice", Fails(Slices(
            Slice(new SliceSource("a", new LayerRange(0, 1), None), new SliceSource("a", new LayerRange(1, 2), None)))));
        Assert.StartsWith("models[0]: models: entries have no layer range", Fails(Slices(Slice(new SliceSource("a", new LayerRange(0, 1), None))) with { UsesModels = true }));
    }
}
