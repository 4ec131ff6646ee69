using System.Text.Json;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Sweeps.Evaluations;
using StackExchange.Redis;

namespace FusionCluster.Silo;

/// <summary>
/// The evaluation cache of a cluster: one Redis string per key, under the service id (as the grain state
/// is), so every silo sees every result and results survive restarts of all silos. Connects on first use.
/// </summary>
public sealed class RedisEvaluationCache(ConfigurationOptions options, string serviceId) : IEvaluationCache, IDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> connection = new(() => ConnectionMultiplexer.ConnectAsync(options));

    public async Task<IReadOnlyDictionary<string, double>?> GetAsync(string key)
    {
        RedisValue value;
        try
        {
            value = await (await Database()).StringGetAsync(RedisKey(key));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new StorageException($"cannot read the evaluation cache in Redis under {RedisKey(key)}: {e.Message}", e);
        }

        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<Dictionary<string, double>>(value.ToString(), MetricsJson.Compact);
    }

    public async Task PutAsync(string key, IReadOnlyDictionary<string, double> metrics)
    {
        try
        {
            await (await Database()).StringSetAsync(RedisKey(key), JsonSerializer.Serialize(metrics, MetricsJson.Compact));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new StorageException($"cannot store an evaluation in Redis under {RedisKey(key)}: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        if (connection.IsValueCreated && connection.Value.IsCompletedSuccessfully)
        {
            connection.Value.Result.Dispose();
        }
    }

    private RedisKey RedisKey(string key) => $"{serviceId}/fusion/evaluations/{key}";

    private async Task<IDatabase> Database() => (await connection.Value).GetDatabase();
}
