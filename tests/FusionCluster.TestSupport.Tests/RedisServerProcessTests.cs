using FusionCluster.TestSupport;
using StackExchange.Redis;

namespace FusionCluster.TestSupport.Tests;

public sealed class RedisServerProcessTests
{
    [Fact]
    public async Task Serves_set_and_get_on_its_own_port()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellationToken);

        Assert.Equal($"127.0.0.1:{redis.Port}", redis.ConnectionString);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var database = connection.GetDatabase();
        await database.StringSetAsync("fusion:test", "merged");
        Assert.Equal("merged", (string?)await database.StringGetAsync("fusion:test"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Restart_keeps_the_data_on_the_same_port(bool appendOnly)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var redis = await RedisServerProcess.StartAsync(appendOnly, cancellationToken);
        var firstPid = redis.Process.Id;
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            await connection.GetDatabase().StringSetAsync("job", "running");
        }

        await redis.RestartAsync(cancellationToken);

        Assert.NotEqual(firstPid, redis.Process.Id);
        await using var reconnected = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        Assert.Equal("running", (string?)await reconnected.GetDatabase().StringGetAsync("job"));
    }

    [Fact]
    public async Task Dispose_stops_the_server_and_deletes_its_folder()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var redis = await RedisServerProcess.StartAsync(cancellationToken: cancellationToken);
        var process = redis.Process;

        await redis.DisposeAsync();

        Assert.True(process.HasExited);
        Assert.False(Directory.Exists(redis.DataDirectory));
    }
}
