using FusionCluster.Core.Execution;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace FusionCluster.Grains.Tests;

/// <summary>How a silo stores grain state (<see cref="GrainStateSerializer"/>), and state an earlier version stored as Orleans' JSON.</summary>
[Collection(OneWorkerSiloCollection.Name)]
public sealed class GrainStateSerializerTests(OneWorkerSilo silo)
{
    private IServiceProvider Services => ((InProcessSiloHandle)silo.Cluster.Silos[0]).SiloHost.Services;

    [Fact]
    public void Written_binary_a_scored_jobs_state_reads_back_and_is_not_json()
    {
        var binary = Serializer(writeBinary: true);

        var stored = binary.Serialize(ScoredJob());

        Assert.NotEqual((byte)'{', stored.ToMemory().Span[0]);
        AssertScoredJob(binary.Deserialize<MergeJobState>(stored));
        AssertScoredJob(Serializer(writeBinary: false).Deserialize<MergeJobState>(stored));
    }

    [Fact]
    public void Written_as_json_a_state_reads_back_in_an_earlier_version_and_both_formats_read_an_earlier_versions_json()
    {
        var orleansJson = new JsonGrainStorageSerializer(Services.GetRequiredService<OrleansJsonSerializer>());

        // A silo of an earlier version (Orleans' JSON) reads what a cluster writes by default, during a rolling upgrade.
        AssertScoredJob(orleansJson.Deserialize<MergeJobState>(Serializer(writeBinary: false).Serialize(ScoredJob())));

        var earlier = orleansJson.Serialize(ScoredJob());
        AssertScoredJob(Serializer(writeBinary: false).Deserialize<MergeJobState>(earlier));
        AssertScoredJob(Serializer(writeBinary: true).Deserialize<MergeJobState>(earlier));
    }

    [Fact]
    public void A_cluster_silo_stores_states_through_it_as_json_unless_its_setting_says_binary()
    {
        var silos = Services.GetRequiredService<IGrainStorageSerializer>();

        Assert.IsType<GrainStateSerializer>(silos);
        Assert.Equal((byte)'{', silos.Serialize(ScoredJob()).ToMemory().Span[0]);
    }

    private GrainStateSerializer Serializer(bool writeBinary) =>
        new(Services.GetRequiredService<Serializer>(), Services.GetRequiredService<OrleansJsonSerializer>(), writeBinary);

    private static MergeJobState ScoredJob() => new()
    {
        Request = new MergeRequest { SpecText = "merge_method: linear", SpecDirectory = "/specs", Output = "/out" },
        State = JobState.Running,
        Units =
        [
            new UnitRecord
            {
                State = UnitState.Done,
                Attempt = 1,
                Result = new UnitResult(0, 10, 20, 0.5, new List<string> { "a warning" })
                {
                    // Lists, as results arrive from workers: Orleans' JSON names each collection's type, and cannot name the
                    // compiler's own types behind a collection expression.
                    Members = new List<UnitResult>
                    {
                        new(0, 10, 20, 0.5, []) { Candidate = 1, Written = true, Scores = new List<TensorScore> { new("w", 0, 128, """{"base":false,"tensors":1}""") } },
                    },
                },
            },
            new UnitRecord { State = UnitState.Pending },
        ],
        Candidates = [new CandidateStatus("c0", "/out/c0", JobState.Running, null), new CandidateStatus("c1", "/out/c1", JobState.Succeeded, null, new Dictionary<string, double> { ["cosine/r"] = 0.25 })],
    };

    private static void AssertScoredJob(MergeJobState? read)
    {
        Assert.NotNull(read);
        Assert.Equal(("/out", JobState.Running, 2), (read.Request!.Output, read.State, read.Units.Length));
        var member = Assert.Single(read.Units[0].Result!.Members);
        Assert.Equal((1, true), (member.Candidate, member.Written));
        Assert.Equal(new TensorScore("w", 0, 128, """{"base":false,"tensors":1}"""), Assert.Single(member.Scores));
        Assert.Equal(["a warning"], read.Units[0].Result!.Warnings);
        Assert.Equal(0.25, read.Candidates[1].Metrics!["cosine/r"]);
        Assert.Equal(UnitState.Pending, read.Units[1].State);
    }
}
