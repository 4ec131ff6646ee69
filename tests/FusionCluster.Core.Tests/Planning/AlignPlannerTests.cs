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
    [InlineData(Models, "{method: zipit, dataset: d.fcds}", "align.method: zipit in merge jobs zips two models; the spec merges 3 (a, b, c)")]
    [InlineData(Pair + "  - {model: b, parameters: {weight: 0.5}}\n", "{method: zipit, dataset: d.fcds, repair: true}", "align.repair: REPAIR corrects an interpolation of permuted models; zipit")]
    [InlineData(Pair + "  - {model: b, parameters: {weight: 0.6}}\n", "{method: zipit, dataset: d.fcds}", "align.method: zipit averages the two models' matched features equally; give both the same weight (they have 0.5 and 0.6)")]
    [InlineData("merge_method: linear\nparameters: {normalize: false}\nmodels:\n  - {model: a, parameters: {weight: 1}}\n  - {model: b, parameters: {weight: 1}}\n", "{method: zipit, dataset: d.fcds}", "align.method: zipit averages the two models' matched features equally; give both the same weight (they have 1 and 1, and with normalize: false each must be 0.5)")]
    [InlineData("merge_method: slerp\nbase_model: a\nparameters: {t: 0.5}\nmodels:\n  - {model: a}\n  - {model: b}\n", "{method: zipit, dataset: d.fcds}", "align.method: zipit's merge is the mean of matched features, which merge units compute as an equal-weight linear merge; merge_method 'slerp'")]
    [InlineData(Pair + "  - {model: b, parameters: {weight: 0.5}}\n", "{method: zipit, dataset: d.fcds, permutation_spec: p.yaml}", "align.permutation_spec: zipit in merge jobs runs the classifiers fusion train makes")]
    public void What_zipit_jobs_cannot_run_fails_at_plan_time_saying_so(string models, string section, string expected)
    {
        var spec = MergeSpecParser.Parse(models + $"align: {section}\n");
        Assert.StartsWith(expected, Assert.Throws<SpecException>(() => AlignPlanner.Plan(spec, null)).Message);
    }

    [Fact]
    public void Zipit_zips_the_other_model_with_the_reference_on_the_dataset_with_its_alpha()
    {
        using var folder = new TempDirectory();
        File.WriteAllBytes(Path.Combine(folder.Path, "d.fcds"), [1]);

        var plan = AlignPlanner.Plan(MergeSpecParser.Parse(Pair + "  - {model: b, parameters: {weight: 0.5}}\nalign: {method: zipit, dataset: d.fcds, reference: b, alpha: 0.5}\n"), folder.Path);

        Assert.NotNull(plan);
        Assert.Equal(("zipit", "b", 0.5, null), (plan.Method, plan.Reference, plan.ZipAlpha, plan.RepairAlpha));
        Assert.Equal(["a"], plan.Models);
        Assert.Equal(Path.Combine(folder.Path, "d.fcds"), plan.DatasetFile);
    }

    private const string PairModels = "models:\n  - {model: a, parameters: {weight: 0.5}}\n";

    private const string Pair = "merge_method: linear\n" + PairModels;

    [Fact]
    public void Activation_matching_resolves_its_dataset_against_the_spec_folder()
    {
        using var folder = new TempDirectory();
        File.WriteAllBytes(Path.Combine(folder.Path, "d.fcds"), [1]);

        var plan = AlignPlanner.Plan(MergeSpecParser.Parse(Models + "align: {method: activation_matching, dataset: d.fcds, samples: 300}\n"), folder.Path);

        Assert.NotNull(plan);
        Assert.Equal(("activation_matching", 300, null), (plan.Method, plan.Samples, plan.RepairAlpha));
        Assert.Equal(Path.Combine(folder.Path, "d.fcds"), plan.DatasetFile);

        // Whether the file exists is asked only once it is known to lie inside the data roots (PlanLocalFilesTests).
        var missing = AlignPlanner.Plan(MergeSpecParser.Parse(Models + "align: {method: activation_matching, dataset: gone.fcds}\n"), folder.Path);
        Assert.Equal(Path.Combine(folder.Path, "gone.fcds"), missing!.DatasetFile);
    }

    [Theory]
    [InlineData("0.25", "0.75", "", 0.75)] // normalised: alpha = the aligned model's share
    [InlineData("3", "1", "", 0.25)]
    [InlineData("0.9", "0.1", "parameters: {normalize: false}\n", 0.1)]
    public void Repair_interpolates_with_the_aligned_models_share_of_a_linear_merge(string referenceWeight, string otherWeight, string top, double alpha)
    {
        using var folder = new TempDirectory();
        File.WriteAllBytes(Path.Combine(folder.Path, "d.fcds"), [1]);
        var spec = $"merge_method: linear\n{top}models:\n  - {{model: a, parameters: {{weight: {referenceWeight}}}}}\n  - {{model: b, parameters: {{weight: {otherWeight}}}}}\n"
            + "align: {method: weight_matching, dataset: d.fcds, repair: true}\n";

        var plan = AlignPlanner.Plan(MergeSpecParser.Parse(spec), folder.Path);

        Assert.NotNull(plan);
        Assert.Equal(alpha, plan.RepairAlpha!.Value, 12);
    }

    [Theory]
    [InlineData("merge_method: slerp\nbase_model: a\nparameters: {t: 0.5}\nmodels:\n  - {model: a}\n  - {model: b}\n", "align.repair: REPAIR in merge jobs corrects a linear interpolation of two models; merge_method 'slerp'")]
    [InlineData("merge_method: linear\nmodels:\n  - {model: a, parameters: {weight: 1}}\n  - {model: b, parameters: {weight: 1}}\n  - {model: c, parameters: {weight: 1}}\n", "align.repair: REPAIR interpolates the statistics of two endpoints; the spec merges 3 models")]
    [InlineData("merge_method: linear\nmodels:\n  - {model: a, parameters: {weight: [0, 1]}}\n  - {model: b, parameters: {weight: 1}}\n", "align.repair: model 'a' needs one number as its weight")]
    [InlineData("merge_method: linear\nparameters: {normalize: false}\nmodels:\n  - {model: a, parameters: {weight: 1}}\n  - {model: b, parameters: {weight: 1}}\n", "align.repair: with normalize: false the weights must sum to 1")]
    public void Repair_of_anything_but_a_two_model_linear_interpolation_is_refused_at_plan_time(string merge, string expected)
    {
        using var folder = new TempDirectory();
        File.WriteAllBytes(Path.Combine(folder.Path, "d.fcds"), [1]);
        var spec = MergeSpecParser.Parse(merge + "align: {method: weight_matching, dataset: d.fcds, repair: true}\n");

        Assert.StartsWith(expected, Assert.Throws<SpecException>(() => AlignPlanner.Plan(spec, folder.Path)).Message);
    }
}
