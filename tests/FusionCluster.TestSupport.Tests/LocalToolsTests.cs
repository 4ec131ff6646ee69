using FusionCluster.TestSupport;

namespace FusionCluster.TestSupport.Tests;

public sealed class LocalToolsTests
{
    [Fact]
    public void Repository_root_holds_the_solution() =>
        Assert.True(File.Exists(Path.Combine(RepositoryRoot.Find(), "FusionCluster.sln")));

    [Fact]
    public void Finds_the_tools_the_prerequisites_script_installs()
    {
        Assert.True(File.Exists(LocalTools.RedisServer));
        Assert.True(File.Exists(LocalTools.AzuriteBlob));
        Assert.True(File.Exists(Path.Combine(LocalTools.MnistPackageDirectory, "package.json")));
    }

    [Fact]
    public async Task Child_process_reports_lines_and_exit_code()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var log = Path.Combine(Path.GetTempPath(), $"fusion-child-{Guid.NewGuid():N}.log");
        await using (var child = ChildProcess.Start("sh", "/bin/sh", ["-c", "echo first; echo second >&2; exit 3"], log))
        {
            Assert.Equal("second", await child.WaitForLineAsync(line => line.StartsWith("sec", StringComparison.Ordinal), TimeSpan.FromSeconds(10), cancellationToken));
            Assert.Equal(3, await child.WaitForExitAsync(TimeSpan.FromSeconds(10), cancellationToken));
            var exited = await Assert.ThrowsAsync<ChildProcessExitedException>(
                () => child.WaitForLineAsync(line => line == "never", TimeSpan.FromSeconds(10), cancellationToken));
            Assert.Equal(3, exited.ExitCode);
            Assert.Contains("first", exited.Message, StringComparison.Ordinal);
        }

        Assert.Contains("second", await File.ReadAllTextAsync(log, cancellationToken), StringComparison.Ordinal);
        File.Delete(log);
    }

    [Fact]
    public async Task Terminate_sends_sigterm()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var log = Path.Combine(Path.GetTempPath(), $"fusion-child-{Guid.NewGuid():N}.log");
        await using var child = ChildProcess.Start("sh", "/bin/sh", ["-c", "trap 'echo got-term; exit 0' TERM; echo waiting; while true; do sleep 0.1; done"], log);
        await child.WaitForLineAsync(line => line == "waiting", TimeSpan.FromSeconds(10), cancellationToken);

        Assert.True(child.Terminate());

        Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(10), cancellationToken));
        Assert.Contains("got-term", child.Lines());
        File.Delete(log);
    }
}
