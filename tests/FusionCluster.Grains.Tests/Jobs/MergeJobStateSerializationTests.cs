using FusionCluster.Client;
using FusionCluster.Grains.Abstractions;
using FusionCluster.Grains.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace FusionCluster.Grains.Tests.Jobs;

/// <summary>The input hash mode and the versions recorded for it survive the trip to storage and to other silos.</summary>
public sealed class MergeJobStateSerializationTests
{
    [Fact]
    public void A_full_input_hash_request_and_its_planned_versions_round_trip()
    {
        using var services = new ServiceCollection().AddSerializer().AddFusionSerialization().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var state = new MergeJobState
        {
            Request = new MergeRequest { SpecText = "merge_method: linear", SpecDirectory = "/specs", Output = "/out", InputHash = InputHashMode.Full },
            PlannedInputVersions = new Dictionary<string, string[]> { ["/models/base"] = ["1024 bytes, written 2025-01-01T00:00:00.0000000Z"] },
        };

        var copy = serializer.Deserialize<MergeJobState>(serializer.SerializeToArray(state));

        Assert.NotNull(copy?.Request);
        Assert.Equal(InputHashMode.Full, copy.Request.InputHash);
        Assert.Equal(["1024 bytes, written 2025-01-01T00:00:00.0000000Z"], copy.PlannedInputVersions!["/models/base"]);
    }

    [Fact]
    public void A_units_phase_result_round_trips_and_a_unit_without_one_reads_as_before()
    {
        using var services = new ServiceCollection().AddSerializer().AddFusionSerialization().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var state = new MergeJobState
        {
            Units = [new UnitRecord { State = UnitState.Done, Attempt = 2, PhaseResult = "[2,0,1]" }, new UnitRecord { State = UnitState.Pending, Losses = 1 }],
        };

        var copy = serializer.Deserialize<MergeJobState>(serializer.SerializeToArray(state))!;

        Assert.Equal(("[2,0,1]", 2, UnitState.Done), (copy.Units[0].PhaseResult, copy.Units[0].Attempt, copy.Units[0].State));
        Assert.Equal((null, 1), (copy.Units[1].PhaseResult, copy.Units[1].Losses));
    }

    [Fact]
    public void Kept_progress_samples_and_their_spacing_round_trip()
    {
        using var services = new ServiceCollection().AddSerializer().AddFusionSerialization().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var at = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var state = new MergeJobState { Samples = [new JobMetricSample { At = at, ElapsedSeconds = 2.5, BytesDone = 1234, UnitsRunning = 3, UnitsDone = 7 }], SampleSpacing = TimeSpan.FromSeconds(4) };

        var copy = serializer.Deserialize<MergeJobState>(serializer.SerializeToArray(state))!;

        Assert.Equal(state.Samples, copy.Samples);
        Assert.Equal(TimeSpan.FromSeconds(4), copy.SampleSpacing);
    }

    [Fact]
    public void A_request_that_names_no_input_hash_reports_headers_only()
    {
        Assert.Equal(InputHashMode.Header, new MergeRequest { SpecText = "", SpecDirectory = "", Output = "" }.InputHash);
    }
}
