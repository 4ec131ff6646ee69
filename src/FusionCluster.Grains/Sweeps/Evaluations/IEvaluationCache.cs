namespace FusionCluster.Grains.Sweeps.Evaluations;

/// <summary>Metrics of evaluations already run, by <see cref="EvaluationCacheKey"/> (Redis in a cluster).</summary>
public interface IEvaluationCache
{
    Task<IReadOnlyDictionary<string, double>?> GetAsync(string key);

    Task PutAsync(string key, IReadOnlyDictionary<string, double> metrics);
}
