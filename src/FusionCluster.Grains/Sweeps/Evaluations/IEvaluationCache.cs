namespace FusionCluster.Grains.Sweeps.Evaluations;

/// <summary>Metrics of evaluations already run, by <see cref="EvaluationCacheKey"/> (Redis in a cluster).</summary>
public interface IEvaluationCache
{
    /// <exception cref="FusionCluster.Core.Storage.StorageException">The cache could not be read; the message says where.</exception>
    Task<IReadOnlyDictionary<string, double>?> GetAsync(string key);

    /// <exception cref="FusionCluster.Core.Storage.StorageException">The metrics could not be stored; the message says where.</exception>
    Task PutAsync(string key, IReadOnlyDictionary<string, double> metrics);
}
