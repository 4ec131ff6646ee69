using FusionCluster.Core.Planning;
using FusionCluster.Grains.Jobs.Scheduling;
using static FusionCluster.Grains.Tests.Jobs.Scheduling.SchedulerFixture;

namespace FusionCluster.Grains.Tests.Jobs.Scheduling;

/// <summary>How a plan becomes a schedule: one merge phase, or an align phase (one unit per aligned model) before it.</summary>
public sealed class JobScheduleTests
{
    public static readonly AlignPlan AlignBAndC = new("weight_matching", "a", ["b", "c"], 100, 0, null);

    public static MergePlan Plan(AlignPlan? align) => new()
    {
        Method = "linear",
        ModelPaths = new Dictionary<string, string> { ["a"] = "/m/a", ["b"] = "/m/b", ["c"] = "/m/c" },
        Units = [Unit(0, "embeddings"), Unit(1, "layer 0"), Unit(2, "head")],
        Shards = [],
        Align = align,
    };

    [Fact]
    public void A_plan_without_align_is_one_merge_phase_of_its_units()
    {
        var schedule = JobSchedule.For(Plan(null));

        Assert.Equal(["embeddings", "layer 0", "head"], schedule.Units.Select(u => u.Name));
        var phase = Assert.Single(schedule.Phases);
        Assert.Equal("merge", phase.Name);
        Assert.Equal([0, 1, 2], phase.Units);
        Assert.Empty(phase.After);
    }

    [Fact]
    public void A_scoring_job_that_publishes_its_best_has_a_best_phase_of_one_unit_per_scoring_unit_after_them()
    {
        var schedule = JobSchedule.For(Plan(null), writesBest: true);

        Assert.Equal(["embeddings", "layer 0", "head", "best embeddings", "best layer 0", "best head"], schedule.Units.Select(u => u.Name));
        Assert.Equal(["merge", "merge", "merge", "best", "best", "best"], schedule.PhaseNames());
        Assert.Equal([3, 4, 5], schedule.Phases[1].Units);
        Assert.Equal([0], schedule.Phases[1].After);

        // The best phase starts only once every scoring unit is done.
        var scheduler = Start(schedule);
        Assert.Equal([0, 1, 2], scheduler.Ready);
        while (scheduler.Ready.All(u => u < 3) && scheduler.Dispatch([SiloA, SiloB], "cpu", 0, T0) is { Count: > 0 } launches)
        {
            Assert.All(launches, l => Assert.True(l.Unit < 3));
            launches.ToList().ForEach(l => scheduler.Complete(l.Unit, null));
        }

        Assert.Equal([3, 4, 5], scheduler.Ready);
    }

    [Fact]
    public void An_aligning_plan_runs_one_align_unit_per_other_model_first_numbered_after_the_merge_units()
    {
        var schedule = JobSchedule.For(Plan(AlignBAndC));

        Assert.Equal(["embeddings", "layer 0", "head", "align b", "align c"], schedule.Units.Select(u => u.Name));
        Assert.Equal(2, schedule.Phases.Count);
        Assert.Equal("align", schedule.Phases[0].Name);
        Assert.Equal([3, 4], schedule.Phases[0].Units);
        Assert.Empty(schedule.Phases[0].After);
        Assert.Equal("merge", schedule.Phases[1].Name);
        Assert.Equal([0, 1, 2], schedule.Phases[1].Units);
        Assert.Equal([0], schedule.Phases[1].After);
        Assert.Equal(["merge", "merge", "merge", "align", "align"], schedule.PhaseNames());

        // Only the align units can start, both at once (on two silos).
        var scheduler = Start(schedule);
        Assert.Equal([3, 4], scheduler.Ready);
        Assert.Equal([(3, "silo-a"), (4, "silo-b")], scheduler.Dispatch([SiloA, SiloB], "cpu", 0, T0).Select(l => (l.Unit, l.Silo.Name)));
    }

    [Fact]
    public void A_data_aware_plan_runs_one_statistics_unit_per_model_first_and_the_merge_units_after_them_and_any_alignment()
    {
        var statistics = new StatisticsPlan("gram", ["a", "b", "c"], new Dictionary<string, string>(), 16);

        var schedule = JobSchedule.For(Plan(null) with { Statistics = statistics });
        var both = JobSchedule.For(Plan(AlignBAndC) with { Statistics = statistics });

        Assert.Equal(["embeddings", "layer 0", "head", "statistics a", "statistics b", "statistics c"], schedule.Units.Select(u => u.Name));
        Assert.Equal(["statistics", "merge"], schedule.Phases.Select(p => p.Name));
        Assert.Equal([3, 4, 5], schedule.Phases[0].Units);
        Assert.Equal([0], schedule.Phases[1].After);
        Assert.Equal([3, 4, 5], Start(schedule).Ready);

        // With alignment too: both early phases are independent, and the merge phase waits for both.
        Assert.Equal(["align", "statistics", "merge"], both.Phases.Select(p => p.Name));
        Assert.Equal([5, 6, 7], both.Phases[1].Units);
        Assert.Equal([0, 1], both.Phases[2].After);
        Assert.Equal([3, 4, 5, 6, 7], Start(both).Ready);
    }

    [Fact]
    public void A_layer_by_layer_statistics_plan_chains_one_phase_per_layer_before_the_merge_phase()
    {
        var statistics = new StatisticsPlan("merged_gram", ["a", "b"], new Dictionary<string, string>(), 16) { Layers = 2, Ratio = 0.9 };

        var schedule = JobSchedule.For(Plan(null) with { Statistics = statistics });

        Assert.Equal(["embeddings", "layer 0", "head", "statistics a layer 0", "statistics b layer 0", "statistics a layer 1", "statistics b layer 1"], schedule.Units.Select(u => u.Name));
        Assert.Equal(["statistics", "statistics", "merge"], schedule.Phases.Select(p => p.Name));
        Assert.Equal([3, 4], schedule.Phases[0].Units);
        Assert.Equal([5, 6], schedule.Phases[1].Units);
        Assert.Empty(schedule.Phases[0].After);
        Assert.Equal([0], schedule.Phases[1].After);
        Assert.Equal([0, 1], schedule.Phases[2].After);
        // Only the first layer's units can start: each later layer needs the one before it.
        Assert.Equal([3, 4], Start(schedule).Ready);
    }

    [Fact]
    public void A_regmean_plus_plus_plan_of_llama_blocks_runs_each_block_after_every_earlier_one()
    {
        var statistics = new StatisticsPlan("merged_gram", ["a", "b"], new Dictionary<string, string>(), 16) { Blocks = 3, Ratio = 0.9 };

        var schedule = JobSchedule.For(Plan(null) with { Statistics = statistics });

        Assert.Equal(
            ["embeddings", "layer 0", "head", "statistics a block 0", "statistics b block 0", "statistics a block 1", "statistics b block 1", "statistics a block 2", "statistics b block 2"],
            schedule.Units.Select(u => u.Name));
        Assert.Equal(["statistics", "statistics", "statistics", "merge"], schedule.Phases.Select(p => p.Name));
        Assert.Equal([7, 8], schedule.Phases[2].Units);
        // Block 2's units run the text through the merge of blocks 0 and 1, so they read both phases' Gram matrices.
        Assert.Equal([[], [0], [0, 1], [0, 1, 2]], schedule.Phases.Select(p => p.After.ToArray()));
        Assert.Equal([3, 4], Start(schedule).Ready);
    }

    private static WorkUnit Unit(int index, string name) => new() { Index = index, Name = name, Tensors = [], InputBytes = 100 };
}
