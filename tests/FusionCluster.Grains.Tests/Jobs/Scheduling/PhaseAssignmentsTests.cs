using FusionCluster.Grains.Jobs.Scheduling;

namespace FusionCluster.Grains.Tests.Jobs.Scheduling;

/// <summary>What workers are sent: align units their model, merge units of an aligned job the align phase's results.</summary>
public sealed class PhaseAssignmentsTests
{
    [Fact]
    public void An_align_unit_carries_the_model_it_aligns_and_no_tensors()
    {
        var plan = JobScheduleTests.Plan(JobScheduleTests.AlignBAndC);

        var assignment = PhaseAssignments.For("job", plan, 4, [], "/out", "cpu", null);

        Assert.Equal("c", assignment.AlignModel);
        Assert.Equal(JobScheduleTests.AlignBAndC, assignment.Align);
        Assert.Equal((4, "align c"), (assignment.Unit.Index, assignment.Unit.Name));
        Assert.Empty(assignment.Unit.Tensors);
        Assert.Empty(assignment.AlignResults);
    }

    [Fact]
    public void A_merge_unit_of_an_aligned_job_carries_the_align_results_and_one_of_a_plain_job_nothing()
    {
        var aligned = JobScheduleTests.Plan(JobScheduleTests.AlignBAndC);
        PhaseOutput[] inputs = [new("align", 3, "{\"model\": \"b\"}"), new("align", 4, "{\"model\": \"c\"}")];

        var merge = PhaseAssignments.For("job", aligned, 1, inputs, "/out", "cpu", null);
        Assert.Null(merge.AlignModel);
        Assert.Equal(JobScheduleTests.AlignBAndC, merge.Align);
        Assert.Equal(["{\"model\": \"b\"}", "{\"model\": \"c\"}"], merge.AlignResults);
        Assert.Equal((1, "layer 0"), (merge.Unit.Index, merge.Unit.Name));

        var plain = PhaseAssignments.For("job", JobScheduleTests.Plan(null), 1, [], "/out", "cpu", null);
        Assert.Null(plain.Align);
        Assert.Empty(plain.AlignResults);
        Assert.Throws<ArgumentOutOfRangeException>(() => PhaseAssignments.For("job", JobScheduleTests.Plan(null), 3, [], "/out", "cpu", null));
    }
}
