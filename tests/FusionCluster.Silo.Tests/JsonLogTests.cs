using System.Globalization;
using System.Text.Json;
using FusionCluster.TestSupport;

namespace FusionCluster.Silo.Tests;

/// <summary>--json-logs true: a real fusion-silo writes one JSON object per line, the ready line included.</summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task Json_logs_are_one_json_object_per_line_from_start_to_stop()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellationToken);
        using var temp = new TempDirectory();
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        await using var silo = ChildProcess.Start(
            "json-silo",
            host,
            [
                FusionSiloProcess.AssemblyPath, "--redis", redis.ConnectionString, "--name", "json-silo", "--device", "cpu", "--json-logs", "true",
                "--silo-port", FreePort.Next().ToString(CultureInfo.InvariantCulture), "--gateway-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ],
            temp.Combine("silo.log"));

        await silo.WaitForLineAsync(line => line.Contains("fusion-silo ready name=json-silo ", StringComparison.Ordinal), TimeSpan.FromSeconds(90), cancellationToken);
        Assert.True(silo.Terminate());
        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60), cancellationToken));

        var lines = silo.Lines().Where(line => line.Length > 0).ToList();
        Assert.True(lines.Count >= 3, $"only {lines.Count} lines:\n{string.Join('\n', lines)}");
        var messages = new List<string>();
        foreach (var line in lines)
        {
            using var document = ParseObject(line);
            Assert.True(document.RootElement.TryGetProperty("LogLevel", out _), $"no LogLevel: {line}");
            messages.Add(document.RootElement.GetProperty("Message").GetString() ?? "");
        }

        Assert.Contains(messages, m => m.StartsWith("fusion-silo ready name=json-silo ", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Silo json-silo stopped", StringComparison.Ordinal));
    }

    private static JsonDocument ParseObject(string line)
    {
        try
        {
            var document = JsonDocument.Parse(line);
            Assert.True(document.RootElement.ValueKind == JsonValueKind.Object, $"not a JSON object: {line}");
            return document;
        }
        catch (JsonException e)
        {
            Assert.Fail($"not JSON ({e.Message}): {line}");
            throw;
        }
    }
}
