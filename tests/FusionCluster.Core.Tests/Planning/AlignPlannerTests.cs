using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Tests.Planning;

/// <summary>What a merge job makes of align:: the alignment phase's models, or a clear refusal of what jobs do not run yet.</summary>
public sealed class AlignPlannerTests
{
    private const string Models = """
        merge_method: linear
        models:
          - {model: a, parameters: {weight: 0.4}}
          - {model: b, parameters: {weight: 0.3}}
          - {model: c, parameters: {weight: 0.3}}

        """;

    [Fact]
    public void Weight_matching_aligns_every_model_but_the_reference_in_spec_order()
    {
        var plan = AlignPlanner.Plan(MergeSpecParser.Parse(Models + "align: {method: weight_matching, reference: b, iterations: 9, seed: 4, permutation_spec: p/spec.yaml}\n"), "/models");

        Assert.NotNull(plan);
        Assert.Equal("weight_matching", plan.Method);
        Assert.Equal("b", plan.Reference);
        Assert.Equal(["a", "c"], plan.Models);
        Assert.Equal((9, 4), (plan.Iterations, plan.Seed));
        Assert.Equal(Path.GetFullPath("/models/p/spec.yaml"), plan.PermutationSpecFile);
    }

    [Fact]
    public void A_spec_without_align_has_no_alignment_phase()
    {
        Assert.Null(AlignPlanner.Plan(MergeSpecParser.Parse(Models), null));
    }

    [Theory]
    [InlineData("{method: activation_matching, dataset: d.fcds}", "align.method: activation_matching is not supported in merge jobs yet")]
    [InlineData("{method: zipit, dataset: d.fcds}", "align.method: zipit merges features rather than permuting them and is not supported in merge jobs yet")]
    [InlineData("{method: weight_matching, dataset: d.fcds, repair: true}", "align.repair: REPAIR is not supported in merge jobs yet")]
    public void What_jobs_cannot_run_yet_fails_at_plan_time_saying_so(string section, string expected)
    {
        var spec = MergeSpecParser.Parse(Models + $"align: {section}\n");
        Assert.StartsWith(expected, Assert.Throws<SpecException>(() => AlignPlanner.Plan(spec, null)).Message);
    }
}
