using FusionCluster.Dashboard.Components.Shared;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;

namespace FusionCluster.Dashboard.Tests.Components;

/// <summary>A shared-input job's merges on its detail page: where each was written, and only where it was.</summary>
public sealed class CandidateListTests : DashboardTestContext
{
    private static readonly Dictionary<string, double> Metrics = new() { ["cosine/ft-1"] = 0.99 };

    [Fact]
    public void A_scoring_jobs_merges_show_an_output_only_for_the_best_it_published()
    {
        var list = Render<CandidateList>(p => p
            .Add(x => x.Candidates, [
                new CandidateStatus("0", "/out/merges/a", JobState.Succeeded, null, Metrics),
                new CandidateStatus("1", "/out/merges/b", JobState.Succeeded, null, Metrics) { Published = true },
                new CandidateStatus("2", "/out/merges/c", JobState.Failed, "2: density must be in [0, 1]"),
            ])
            .Add(x => x.Redact, s => s));

        Assert.Equal([CandidateList.NotWritten, "/out/merges/b", "/out/merges/c"], list.FindAll(".candidate-output").Select(c => c.TextContent));
        Assert.Equal(["", "", "2: density must be in [0, 1]"], list.FindAll(".candidate-error").Select(c => c.TextContent));
    }

    [Fact]
    public void A_shared_input_jobs_merges_without_metrics_show_their_outputs()
    {
        var list = Render<CandidateList>(p => p
            .Add(x => x.Candidates, [new CandidateStatus("a", "/out/a", JobState.Succeeded, null), new CandidateStatus("b", "/out/b", JobState.Running, null)])
            .Add(x => x.Redact, s => s.Replace("/out", "[out]", StringComparison.Ordinal)));

        Assert.Equal(["[out]/a", "[out]/b"], list.FindAll(".candidate-output").Select(c => c.TextContent));
    }
}
