using StackExchange.Redis;

namespace FusionCluster.Silo.Health;

/// <summary>PINGs the cluster's Redis over one connection of its own, opened at the first probe.</summary>
public sealed class RedisProbe(ConfigurationOptions redis) : IAsyncDisposable
{
    private readonly SemaphoreSlim connecting = new(1, 1);
    private ConnectionMultiplexer? connection;

    /// <summary>Null when Redis answered within <paramref name="timeout"/>, else why not.</summary>
    public async Task<string?> ProblemAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var multiplexer = await ConnectAsync(cancellationToken);
            await multiplexer.GetDatabase().PingAsync().WaitAsync(timeout, cancellationToken);
            return null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return e.Message;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }

        connecting.Dispose();
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        await connecting.WaitAsync(cancellationToken);
        try
        {
            if (connection is null)
            {
                var options = redis.Clone();
                // Keep retrying in the background: a probe reports Redis down, it must not fail for good.
                options.AbortOnConnectFail = false;
                connection = await ConnectionMultiplexer.ConnectAsync(options);
            }

            return connection;
        }
        finally
        {
            connecting.Release();
        }
    }
}
