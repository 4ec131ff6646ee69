using FusionCluster.Dashboard.Security;
using FusionCluster.Dashboard.Services;
using FusionCluster.Dashboard.Tests.Fakes;
using FusionCluster.Grains.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace FusionCluster.Dashboard.Tests.Services;

/// <summary>Silo logs name hosts, paths and users: the server refuses viewers, whatever the page shows, and redacts every line.</summary>
public sealed class SiloLogReaderTests : DashboardTestContext
{
    public SiloLogReaderTests() => Cluster.Logs["silo-1"] =
    [
        new SiloLogLine { At = Samples.Submitted, Level = "Warning", Category = "Azure.Storage", Message = "GET https://acct.blob.core.windows.net/models/a.safetensors?sv=2024&sig=S3cr3tSig%3D failed; password=hunter2" },
    ];

    private SiloLogReader Reader => Services.GetRequiredService<SiloLogReader>();

    [Fact]
    public async Task A_viewer_cannot_read_silo_logs_and_nothing_is_asked_of_the_cluster()
    {
        SignInAs(DashboardRoles.Viewer);

        var error = await Assert.ThrowsAsync<OperatorRequiredException>(() => Reader.ReadAsync("silo-1", 100, Xunit.TestContext.Current.CancellationToken));

        Assert.Equal("only operators may read silo logs", error.Message);
        Assert.Equal(0, Cluster.LogReads);
    }

    [Fact]
    public async Task An_operator_gets_the_lines_redacted()
    {
        SignInAs(DashboardRoles.Operator);

        var line = Assert.Single(await Reader.ReadAsync("silo-1", 100, Xunit.TestContext.Current.CancellationToken));

        Assert.Equal("GET https://acct.blob.core.windows.net/models/a.safetensors?sv=2024&sig=*** failed; password=***", line.Message);
    }
}
