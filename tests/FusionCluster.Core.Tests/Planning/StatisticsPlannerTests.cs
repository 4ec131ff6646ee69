using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Tests.Planning;

/// <summary>What a merge job makes of a data-aware method's datasets: the statistics phase's models, files and sample count.</summary>
public sealed class StatisticsPlannerTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("fusion-statistics-plan-").FullName;

    public StatisticsPlannerTests()
    {
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        File.WriteAllText(Path.Combine(folder, "a.fcds"), "");
        File.WriteAllText(Path.Combine(folder, "data", "b.fcds"), "");
    }

    [Fact]
    public void Every_model_is_one_statistics_unit_with_its_dataset_resolved_against_the_spec_folder()
    {
        var spec = MergeSpecParser.Parse("""
            merge_method: regmean
            models:
              - {model: a, dataset: a.fcds}
              - {model: b, dataset: data/b.fcds}
            parameters: {samples: 64}
            """);

        var plan = StatisticsPlanner.Plan(spec, MergeMethodRegistry.Get("regmean"), folder);

        Assert.NotNull(plan);
        Assert.Equal(StatisticsKinds.Gram, plan.Kind);
        Assert.Equal(["a", "b"], plan.Models);
        Assert.Equal(Path.Combine(folder, "data", "b.fcds"), plan.Datasets["b"]);
        Assert.Equal(64, plan.Samples);
    }

    [Fact]
    public void Llama_checkpoints_get_one_statistics_unit_per_model_and_decoder_block_for_regmean_fisher_and_regmean_plus_plus()
    {
        string[] names = ["model.embed_tokens.weight", "model.norm.weight", "lm_head.weight",
            .. Enumerable.Range(0, 3).SelectMany(b => new[] { "q_proj", "k_proj", "v_proj", "o_proj" }.Select(p => $"model.layers.{b}.self_attn.{p}.weight"))];
        var spec = MergeSpecParser.Parse("merge_method: regmean\nmodels:\n  - {model: a, dataset: a.fcds}\n  - {model: b, dataset: data/b.fcds}\n");

        var plan = StatisticsPlanner.Plan(spec, MergeMethodRegistry.Get("regmean"), folder, names);
        var fisher = StatisticsPlanner.Plan(MergeSpecParser.Parse("merge_method: fisher\nmodels:\n  - {model: a, dataset: a.fcds}\n"), MergeMethodRegistry.Get("fisher"), folder, names);
        const string plusPlus = "merge_method: regmean_plus_plus\nmodels:\n  - {model: a, dataset: a.fcds}\n  - {model: b, dataset: data/b.fcds}\n";
        var regmeanPlusPlus = StatisticsPlanner.Plan(MergeSpecParser.Parse(plusPlus + "parameters: {reduce_non_diagonal_ratio: 0.7}\n"), MergeMethodRegistry.Get("regmean_plus_plus"), folder, names);
        var defaultRatio = StatisticsPlanner.Plan(MergeSpecParser.Parse(plusPlus), MergeMethodRegistry.Get("regmean_plus_plus"), folder, names);
        var filtered = Assert.Throws<SpecException>(() => StatisticsPlanner.Plan(MergeSpecParser.Parse(plusPlus + "parameters:\n  reduce_non_diagonal_ratio:\n    - {filter: mlp, value: 0.5}\n    - {value: 0.9}\n"), MergeMethodRegistry.Get("regmean_plus_plus"), folder, names));
        var aligned = Assert.Throws<SpecException>(() => StatisticsPlanner.Plan(MergeSpecParser.Parse(plusPlus + "align:\n  method: weight_matching\n  reference: a\n"), MergeMethodRegistry.Get("regmean_plus_plus"), folder, names));

        Assert.Equal((3, 0), (plan!.Blocks, plan.Layers));
        Assert.Equal((StatisticsKinds.Fisher, 3, 0), (fisher!.Kind, fisher.Blocks, fisher.Layers));
        Assert.Equal((StatisticsKinds.MergedGram, 3, 0, 0.7), (regmeanPlusPlus!.Kind, regmeanPlusPlus.Blocks, regmeanPlusPlus.Layers, regmeanPlusPlus.Ratio));
        Assert.Equal(RegMeanMergeMethod.DefaultRatio, defaultRatio!.Ratio);
        Assert.Contains("parameters.reduce_non_diagonal_ratio: regmean_plus_plus merges layer by layer", filtered.Message, StringComparison.Ordinal);
        Assert.Contains("align: merge_method regmean_plus_plus of llama checkpoints", aligned.Message, StringComparison.Ordinal);
        Assert.Equal(0, StatisticsPlanner.Plan(spec, MergeMethodRegistry.Get("regmean"), folder, ["layers.0.weight", "layers.0.bias"])!.Blocks);
    }

    [Fact]
    public void Fisher_of_aligned_llama_checkpoints_is_refused()
    {
        string[] names = ["model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight"];
        var spec = MergeSpecParser.Parse("merge_method: fisher\nmodels:\n  - {model: a, dataset: a.fcds}\n  - {model: b, dataset: data/b.fcds}\nalign:\n  method: weight_matching\n  reference: a\n");

        var message = Assert.Throws<SpecException>(() => StatisticsPlanner.Plan(spec, MergeMethodRegistry.Get("fisher"), folder, names)).Message;

        Assert.Contains("align: merge_method fisher of llama checkpoints", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adamerging_of_llama_checkpoints_is_one_coefficient_unit_over_the_fine_tunes_and_refuses_alignment()
    {
        string[] names = ["model.embed_tokens.weight", "model.norm.weight", .. Enumerable.Range(0, 2).Select(b => $"model.layers.{b}.self_attn.q_proj.weight")];
        const string text = "merge_method: adamerging\nbase_model: base\nmodels:\n  - {model: a, dataset: a.fcds}\n  - {model: b, dataset: data/b.fcds}\nparameters: {steps: 7, lr: 0.01}\n";

        var plan = StatisticsPlanner.Plan(MergeSpecParser.Parse(text), MergeMethodRegistry.Get("adamerging"), folder, names);
        var aligned = Assert.Throws<SpecException>(() => StatisticsPlanner.Plan(MergeSpecParser.Parse(text + "align: {method: weight_matching}\n"), MergeMethodRegistry.Get("adamerging"), folder, names));

        Assert.Equal((StatisticsKinds.Coefficients, 2), (plan!.Kind, plan.Blocks));
        Assert.Equal(["a", "b"], plan.Models);
        Assert.Equal(new CoefficientLearning("base", 7, 16, 0.01, 1), plan.Learning);
        Assert.Contains("adamerging of llama checkpoints learns its coefficients on the models as stored", aligned.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fisher_reads_256_samples_unless_told()
    {
        var spec = MergeSpecParser.Parse("merge_method: fisher\nmodels:\n  - {model: a, dataset: a.fcds}\n");

        var plan = StatisticsPlanner.Plan(spec, MergeMethodRegistry.Get("fisher"), folder);

        Assert.Equal((StatisticsKinds.Fisher, 256), (plan!.Kind, plan.Samples));
    }

    [Fact]
    public void A_method_that_reads_no_data_has_no_statistics_phase()
    {
        var spec = MergeSpecParser.Parse("merge_method: linear\nmodels:\n  - {model: a, parameters: {weight: 1}}\n");
        Assert.Null(StatisticsPlanner.Plan(spec, MergeMethodRegistry.Get("linear"), folder));
    }

    [Fact]
    public void A_missing_dataset_file_fails_once_confined_to_the_roots_naming_it_and_its_model()
    {
        var spec = MergeSpecParser.Parse("merge_method: regmean\nmodels:\n  - {model: a, dataset: missing.fcds}\n");
        var statistics = StatisticsPlanner.Plan(spec, MergeMethodRegistry.Get("regmean"), folder)!;
        var plan = new MergePlan { Method = "regmean", ModelPaths = new Dictionary<string, string>(), Units = [], Shards = [], Statistics = statistics };

        var message = Assert.Throws<SpecException>(() => PlanLocalFiles.Confine(plan, LocalRoots.Anywhere)).Message;

        Assert.Equal($"models: dataset '{Path.Combine(folder, "missing.fcds")}' of 'a' does not exist", message);
    }

    [Fact]
    public void Regmean_plus_plus_plans_one_phase_per_layer_with_the_ratio_the_merge_units_use()
    {
        var spec = MergeSpecParser.Parse("merge_method: regmean_plus_plus\nmodels:\n  - {model: a, dataset: a.fcds}\nparameters: {reduce_non_diagonal_ratio: 0.7}\n");

        var plan = StatisticsPlanner.Plan(spec, MergeMethodRegistry.Get("regmean_plus_plus"), folder, ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]);

        Assert.Equal((StatisticsKinds.MergedGram, 2, 0.7), (plan!.Kind, plan.Layers, plan.Ratio));
        Assert.True(StatisticsKinds.IsSequential(plan.Kind));
    }

    [Fact]
    public void Regmean_plus_plus_takes_the_papers_ratio_unless_told()
    {
        var spec = MergeSpecParser.Parse("merge_method: regmean_plus_plus\nmodels:\n  - {model: a, dataset: a.fcds}\n");

        var plan = StatisticsPlanner.Plan(spec, MergeMethodRegistry.Get("regmean_plus_plus"), folder, ["layers.0.weight", "layers.0.bias"]);

        Assert.Equal((1, 0.9), (plan!.Layers, plan.Ratio));
    }

    [Fact]
    public void Regmean_plus_plus_refuses_models_that_are_not_mlp_classifiers_naming_their_tensors()
    {
        var spec = MergeSpecParser.Parse("merge_method: regmean_plus_plus\nmodels:\n  - {model: a, dataset: a.fcds}\n");

        var message = Assert.Throws<SpecException>(() => StatisticsPlanner.Plan(spec, MergeMethodRegistry.Get("regmean_plus_plus"), folder, ["layers.0.weight", "layers.0.bias", "conv.weight"])).Message;

        Assert.Contains("MLP classifiers", message, StringComparison.Ordinal);
        Assert.Contains("conv.weight", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Regmean_plus_plus_refuses_a_per_tensor_ratio()
    {
        var spec = MergeSpecParser.Parse("merge_method: regmean_plus_plus\nmodels:\n  - {model: a, dataset: a.fcds}\nparameters:\n  reduce_non_diagonal_ratio:\n    - {filter: layers.0, value: 0.5}\n    - {value: 0.9}\n");

        var message = Assert.Throws<SpecException>(() => StatisticsPlanner.Plan(spec, MergeMethodRegistry.Get("regmean_plus_plus"), folder, ["layers.0.weight", "layers.0.bias"])).Message;

        Assert.StartsWith("parameters.reduce_non_diagonal_ratio:", message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
