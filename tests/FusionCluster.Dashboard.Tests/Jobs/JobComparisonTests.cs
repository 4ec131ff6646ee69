using FusionCluster.Dashboard.Jobs;
using FusionCluster.Dashboard.Sweeps;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Jobs;

public sealed class JobComparisonTests
{
    private static readonly JobStatus Slow = Samples.Succeeded("job-a", 4) with
    {
        ElapsedSeconds = 20,
        BytesDone = 40 << 20,
        Retries = 2,
        SpecText = "merge_method: ties\nparameters:\n  density: 0.5",
    };

    private static readonly JobStatus Fast = Samples.Succeeded("job-b", 4) with
    {
        Method = "dare_ties",
        ElapsedSeconds = 10,
        BytesDone = 40 << 20,
        Retries = 0,
        SpecText = "merge_method: ties\nparameters:\n  density: 0.7\n  weight: 1",
    };

    [Fact]
    public void Shorter_faster_and_fewer_retries_are_better_and_a_new_method_is_a_change()
    {
        var facts = new JobComparison(Slow, Fast).Facts.ToDictionary(f => f.Name);

        // 20 s → 10 s; 40 MiB in each: 2 MiB/s → 4 MiB/s; 2 retries → none.
        Assert.Equal(("20.0 s", "10.0 s", "−10.0 s", DeltaVerdict.Better), (facts["Duration"].First, facts["Duration"].Second, facts["Duration"].Delta, facts["Duration"].Verdict));
        Assert.Equal(("2.0 MiB/s", "4.0 MiB/s", "+2.0 MiB/s", DeltaVerdict.Better), (facts["Throughput (average)"].First, facts["Throughput (average)"].Second, facts["Throughput (average)"].Delta, facts["Throughput (average)"].Verdict));
        Assert.Equal(("−2", DeltaVerdict.Better), (facts["Retries"].Delta, facts["Retries"].Verdict));
        Assert.Equal(("ties", "dare_ties", DeltaVerdict.Changed), (facts["Method"].First, facts["Method"].Second, facts["Method"].Verdict));
        Assert.Equal((null, DeltaVerdict.Same, false), (facts["Units"].Delta, facts["Units"].Verdict, facts["Units"].Differs));
    }

    [Fact]
    public void The_reverse_order_judges_the_other_way()
    {
        var facts = new JobComparison(Fast, Slow).Facts.ToDictionary(f => f.Name);

        Assert.Equal(("+10.0 s", DeltaVerdict.Worse), (facts["Duration"].Delta, facts["Duration"].Verdict));
        Assert.Equal(DeltaVerdict.Worse, facts["Throughput (average)"].Verdict);
    }

    [Fact]
    public void Specs_are_aligned_line_by_line_with_changed_and_added_lines_marked()
    {
        var lines = new JobComparison(Slow, Fast).SpecLines;

        Assert.Equal(
            [
                new SpecLinePair(1, "merge_method: ties", 1, "merge_method: ties", SpecLineChange.Same),
                new SpecLinePair(2, "parameters:", 2, "parameters:", SpecLineChange.Same),
                new SpecLinePair(3, "  density: 0.5", 3, "  density: 0.7", SpecLineChange.Changed),
                new SpecLinePair(null, null, 4, "  weight: 1", SpecLineChange.Added),
            ],
            lines);
        Assert.Equal(2, new JobComparison(Slow, Fast).ChangedSpecLines);
        Assert.Equal(SpecLineChange.Removed, new JobComparison(Fast, Slow).SpecLines[^1].Change);
    }

    [Fact]
    public void Identical_specs_have_no_changed_line_and_missing_specs_no_lines()
    {
        Assert.Equal(0, new JobComparison(Slow, Slow).ChangedSpecLines);
        Assert.Empty(new JobComparison(Slow with { SpecText = "" }, Fast with { SpecText = "" }).SpecLines);
    }
}
