using FusionCluster.Core.Execution;

namespace FusionCluster.Core.Tests.Execution;

public sealed class CandidateGroupsTests
{
    [Theory]
    [InlineData(10, 2)]
    [InlineData(10, 3)]
    [InlineData(3, 3)]
    [InlineData(7, 1)]
    [InlineData(0, 1)]
    public void Groups_take_every_candidate_once_in_order_in_near_equal_runs(int candidates, int groups)
    {
        var runs = Enumerable.Range(0, groups).Select(g => CandidateGroups.Of(g, groups, candidates)).ToList();

        Assert.Equal(Enumerable.Range(0, candidates), runs.SelectMany(r => Enumerable.Range(r.First, r.Count)));
        Assert.InRange(runs.Max(r => r.Count) - runs.Min(r => r.Count), 0, 1);
    }

    [Fact]
    public void There_is_one_group_per_core_at_most_one_per_candidate_and_at_least_one()
    {
        Assert.Equal(Math.Min(Environment.ProcessorCount, 1000), CandidateGroups.Count(1000));
        Assert.Equal(1, CandidateGroups.Count(1));
        Assert.Equal(1, CandidateGroups.Count(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CandidateGroups.Of(2, 2, 10));
    }

    [Theory]
    [InlineData(10, 2, 1, 2)]
    [InlineData(10, 2, 2, 1)]
    [InlineData(10, 2, 3, 1)]
    [InlineData(10, 16, 3, 5)]
    [InlineData(3, 16, 1, 3)]
    [InlineData(10, 16, 0, 10)]
    [InlineData(0, 2, 1, 1)]
    public void A_unit_takes_one_group_per_core_of_its_share_while_others_run(int candidates, int cores, int runningUnits, int groups) =>
        Assert.Equal(groups, CandidateGroups.Count(candidates, cores, runningUnits));
}
