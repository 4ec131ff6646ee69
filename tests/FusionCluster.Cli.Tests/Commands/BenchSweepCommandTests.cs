using FusionCluster.Cli.Commands;

namespace FusionCluster.Cli.Tests.Commands;

public sealed class BenchSweepCommandTests
{
    [Fact]
    public void Scored_runs_are_listed_against_their_merges_with_the_median_ratio_and_its_range()
    {
        // Ratios 2, 1.5 and 4: sorted 1.5, 2, 4, so the median is 2.
        var line = BenchSweepCommand.ScoredPairs([(1.0, 2.0), (2.0, 3.0), (0.5, 2.0)]);

        Assert.Equal(
            "scored runs, each after one merge: 2.00 s against 1.00 s, 2.00×; 3.00 s against 2.00 s, 1.50×; 2.00 s against 0.50 s, 4.00×; median 2.00× (1.50-4.00×)",
            line);
    }
}
