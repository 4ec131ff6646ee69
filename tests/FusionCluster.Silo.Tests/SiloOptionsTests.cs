using FusionCluster.TestSupport;

namespace FusionCluster.Silo.Tests;

/// <summary>fusion-silo refuses bad options at once, with one line naming the option, and exit code 2.</summary>
public sealed class SiloOptionsTests
{
    [Theory]
    [InlineData("--device cuda", "--device cuda: this host has no libtorch-cuda")]
    [InlineData("--device torch-cpu", "--device 'torch-cpu': expected auto, cpu or cuda")]
    [InlineData("--role gpu", "--role 'gpu'")]
    [InlineData("--slots 4", "unknown option --slots")]
    [InlineData("--unit-slots 0", "--unit-slots '0'")]
    [InlineData("--silo-port 70000", "--silo-port '70000'")]
    // A flag without a value: the next option is read as an option, not as its value.
    [InlineData("--allow-command-evaluator --role gpu", "--role 'gpu'")]
    [InlineData("--service-id a/b", "--service-id 'a/b': expected 1 to 63 letters")]
    [InlineData("--health-port 0", "--health-port '0'")]
    [InlineData("--silo-port 12000 --health-port 12000", "--health-port 12000 is also the silo or gateway port")]
    public async Task Bad_options_exit_2_with_one_line(string options, string expected)
    {
        var error = await RunExpectingFailureAsync(["--redis", "127.0.0.1:1", .. options.Split(' ')]);

        Assert.StartsWith("fusion-silo: error: ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redis_is_required()
    {
        var error = await RunExpectingFailureAsync([], environment: new Dictionary<string, string?> { ["FUSION_REDIS"] = null });

        Assert.Contains("--redis", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redis_connection_string_that_does_not_parse_is_quoted_without_its_password()
    {
        var error = await RunExpectingFailureAsync(["--redis", "127.0.0.1:1,password=s3cret-pw,sll=true"]);

        Assert.Contains("--redis '127.0.0.1:1,password=***,sll=true': not a Redis connection string", error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", error, StringComparison.Ordinal);
    }

    private static async Task<string> RunExpectingFailureAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var log = Path.Combine(Path.GetTempPath(), $"fusion-silo-options-{Guid.NewGuid():N}.log");
        await using var silo = ChildProcess.Start("fusion-silo", "dotnet", [FusionSiloProcess.AssemblyPath, .. arguments], log, environment);
        var exitCode = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        File.Delete(log);

        Assert.Equal(2, exitCode);
        return Assert.Single(silo.Lines());
    }
}
