using FusionCluster.Cli.Tests.Support;
using FusionCluster.TestSupport;

namespace FusionCluster.Cli.Tests.Commands;

/// <summary>`fusion dashboard` as a real child process: what it prints about the cluster it serves.</summary>
public sealed class DashboardCommandProcessTests
{
    [Fact]
    public async Task The_cluster_line_names_the_redis_address_without_its_password()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var work = new TempDirectory();
        // A user is configured, so the line comes at once (no generated password to hash first).
        var environment = new Dictionary<string, string?>
        {
            ["FUSION_DASHBOARD"] = Path.Combine(RepositoryRoot.Find(), "src", "FusionCluster.Dashboard", "bin", "Release", "net10.0"),
            ["Fusion__Dashboard__Users__viewer__PasswordHash"] = "not-a-hash",
            ["Fusion__Dashboard__Users__viewer__Role"] = "viewer",
        };
        await using var dashboard = FusionProcess.Start(
            Path.Combine(work.Path, "dashboard.log"), environment,
            "dashboard", "--cluster", $"127.0.0.1:{FreePort.Next()},password=s3cret-pw", "--urls", $"http://127.0.0.1:{FreePort.Next()}");

        var line = await dashboard.WaitForLineAsync(l => l.StartsWith("dashboard: ", StringComparison.Ordinal), TimeSpan.FromSeconds(60), cancellationToken);

        Assert.Contains("for the cluster at 127.0.0.1:", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", File.ReadAllText(dashboard.LogPath), StringComparison.Ordinal);
    }
}
