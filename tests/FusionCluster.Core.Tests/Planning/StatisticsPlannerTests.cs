using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;

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
    public void A_missing_dataset_file_fails_at_plan_time_naming_it_and_its_model()
    {
        var spec = MergeSpecParser.Parse("merge_method: regmean\nmodels:\n  - {model: a, dataset: missing.fcds}\n");

        var message = Assert.Throws<SpecException>(() => StatisticsPlanner.Plan(spec, MergeMethodRegistry.Get("regmean"), folder)).Message;

        Assert.StartsWith("models: dataset 'missing.fcds' of 'a' does not exist", message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
