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
    public void A_request_that_names_no_input_hash_reports_headers_only()
    {
        Assert.Equal(InputHashMode.Header, new MergeRequest { SpecText = "", SpecDirectory = "", Output = "" }.InputHash);
    }
}
