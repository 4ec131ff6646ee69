using FusionCluster.Core.Planning;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;

namespace FusionCluster.Core.Tests.Planning;

public sealed class PlanLocalFilesTests
{
    [Fact]
    public void A_permutation_spec_linked_from_outside_the_data_roots_is_refused_naming_its_key()
    {
        using var temp = new TempDirectory();
        var outside = temp.Combine("outside", "secrets.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(outside)!);
        File.WriteAllText(outside, "key: value");
        Directory.CreateDirectory(temp.Combine("data"));
        File.CreateSymbolicLink(temp.Combine("data", "spec.yaml"), outside);
        var plan = Plan() with { Align = new AlignPlan("weight_matching", "a", ["b"], 10, 0, temp.Combine("data", "spec.yaml")) };

        var error = Assert.Throws<StorageException>(() => PlanLocalFiles.Confine(plan, new LocalRoots([temp.Combine("data")])));

        Assert.Contains("align.permutation_spec", error.Message, StringComparison.Ordinal);
        Assert.Contains("outside the configured data roots", error.Message, StringComparison.Ordinal);
        var dataset = Plan() with { Align = new AlignPlan("activation_matching", "a", ["b"], 10, 0, null) { DatasetFile = temp.Combine("data", "spec.yaml") } };
        Assert.Contains("align.dataset", Assert.Throws<StorageException>(() => PlanLocalFiles.Confine(dataset, new LocalRoots([temp.Combine("data")]))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dataset_under_proc_is_refused_and_files_inside_the_roots_come_back_resolved()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("data"));
        File.WriteAllText(temp.Combine("data", "a.fcds"), "");
        File.CreateSymbolicLink(temp.Combine("data", "b.fcds"), temp.Combine("data", "a.fcds"));
        var datasets = new Dictionary<string, string> { ["a"] = temp.Combine("data", "a.fcds"), ["b"] = temp.Combine("data", "b.fcds") };
        var plan = Plan() with { Statistics = new StatisticsPlan("gram", ["a", "b"], datasets, 16) };

        var confined = PlanLocalFiles.Confine(plan, new LocalRoots([temp.Combine("data")]));

        Assert.Equal(temp.Combine("data", "a.fcds"), confined.Statistics!.Datasets["b"]);
        var leaking = Plan() with { Statistics = new StatisticsPlan("gram", ["a"], new Dictionary<string, string> { ["a"] = "/proc/self/environ" }, 16) };
        var error = Assert.Throws<StorageException>(() => PlanLocalFiles.Confine(leaking, LocalRoots.Anywhere));
        Assert.Contains("dataset of 'a'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Whether_a_dataset_exists_is_told_only_inside_the_roots()
    {
        // Outside the roots, a file that exists and one that does not get the same refusal: the error is no oracle for
        // the silo's file system. Inside, a missing file is named with its key.
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("data"));
        Directory.CreateDirectory(temp.Combine("outside"));
        File.WriteAllText(temp.Combine("outside", "there.fcds"), "");
        var roots = new LocalRoots([temp.Combine("data")]);
        string Refusal(string dataset, bool statistics)
        {
            var plan = statistics
                ? Plan() with { Statistics = new StatisticsPlan("gram", ["a"], new Dictionary<string, string> { ["a"] = dataset }, 16) }
                : Plan() with { Align = new AlignPlan("activation_matching", "a", ["b"], 10, 0, null) { DatasetFile = dataset } };
            return Assert.ThrowsAny<Exception>(() => PlanLocalFiles.Confine(plan, roots)).Message.Replace(dataset, "<file>", StringComparison.Ordinal);
        }

        foreach (var statistics in new[] { false, true })
        {
            var present = Refusal(temp.Combine("outside", "there.fcds"), statistics);
            Assert.Contains("outside the configured data roots", present, StringComparison.Ordinal);
            Assert.Equal(present, Refusal(temp.Combine("outside", "gone.fcds"), statistics));
        }

        var missing = Plan() with { Align = new AlignPlan("activation_matching", "a", ["b"], 10, 0, null) { DatasetFile = temp.Combine("data", "gone.fcds") } };
        var error = Assert.Throws<SpecException>(() => PlanLocalFiles.Confine(missing, roots));
        Assert.StartsWith($"align.dataset: '{temp.Combine("data", "gone.fcds")}' does not exist", error.Message, StringComparison.Ordinal);
    }

    private static MergePlan Plan() => new() { Method = "linear", ModelPaths = new Dictionary<string, string>(), Units = [], Shards = [] };
}
