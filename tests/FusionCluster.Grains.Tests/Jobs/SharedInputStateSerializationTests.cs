using System.Text.Json;
using FusionCluster.Client;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>A shared-input job's request, candidates, member results and plan survive storage and the wire.</summary>
public sealed class SharedInputStateSerializationTests
{
    [Fact]
    public void Candidates_and_member_results_round_trip()
    {
        using var services = new ServiceCollection().AddSerializer().AddFusionSerialization().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var member = new UnitResult(2, 100, 0, 1.5, []) { Candidate = 1, Error = "tensor 'x': bad" };
        var state = new MergeJobState
        {
            Request = new MergeRequest { SpecText = "", SpecDirectory = "/specs", Output = "/out", Candidates = [new CandidateSpec("a", "merge_method: linear", "/specs", "/out/a")] },
            Candidates = [new CandidateStatus("a", "/out/a", JobState.Failed, "a: bad")],
            Units = [new UnitRecord { State = UnitState.Done, Result = new UnitResult(0, 100, 0, 1.5, []) { Members = [member] } }],
        };

        var copy = serializer.Deserialize<MergeJobState>(serializer.SerializeToArray(state))!;

        Assert.Equal(state.Request.Candidates, copy.Request!.Candidates);
        Assert.Equal(state.Candidates, copy.Candidates);
        var result = Assert.Single(copy.Units[0].Result!.Members);
        Assert.Equal((2, 1, "tensor 'x': bad"), (result.Unit, result.Candidate, result.Error));
    }

    [Fact]
    public void A_shared_plan_round_trips_as_json_with_its_candidates_and_members()
    {
        var own = new MergePlan
        {
            Method = "linear",
            ModelPaths = new Dictionary<string, string> { ["a"] = "/models/a" },
            Units = [new WorkUnit { Index = 0, Name = "layer 0", Tensors = [] }],
            Shards = [],
        };
        var plan = SharedInputPlanner.Plan([new CandidatePlan("p0", "spec", "/out/p0", "job-0") { Plan = own }, new CandidatePlan("p1", "spec", "/out/p1", "job-1") { Error = "p1: bad" }]);

        var copy = JsonSerializer.Deserialize<MergePlan>(JsonSerializer.Serialize(plan))!;

        Assert.Equal([new UnitMember(0, 0)], copy.Units[0].Members);
        Assert.Equal(("p1: bad", (MergePlan?)null), (copy.Candidates![1].Error, copy.Candidates[1].Plan));
        Assert.Equal("job-0", copy.Candidates[0].StagingId);
        Assert.Equal("layer 0", copy.Candidates[0].Plan!.Units[0].Name);
    }
}
