using FusionCluster.Core.Storage;
using FusionCluster.Grains.Abstractions.Sweeps;

namespace FusionCluster.Grains.Sweeps.Evaluations;

/// <summary>
/// Runs an evaluation through the cache: a hit returns the stored metrics marked cached without evaluating;
/// a miss evaluates and stores the metrics of a successful evaluation (never an error). A cache that cannot be read or
/// cannot store (a read-only folder, Redis gone) does not fail the evaluation: it counts as a miss, the metrics stand,
/// and the next run evaluates again.
/// </summary>
public static class CachedEvaluation
{
    /// <param name="cache">Null when the request names no cache (it is then evaluated every time).</param>
    /// <param name="roots">The silo's data roots: the key reads only files the evaluation may read (<see cref="EvaluationCacheKey.For"/>).</param>
    /// <param name="cacheFailed">Told why the cache could not be read or a result not stored in it (for the log).</param>
    /// <exception cref="StorageException">The key would read a file outside the roots or one that is not a regular file; the message names it.</exception>
    public static async Task<EvaluationOutcome> RunAsync(
        EvaluationRequest request, IEvaluationCache? cache, LocalRoots roots, Func<Task<EvaluationOutcome>> evaluate, Action<Exception>? cacheFailed = null)
    {
        var key = cache is null ? null : await Task.Run(() => EvaluationCacheKey.For(request, roots));
        if (key is not null && await TryGetAsync(cache!, key, cacheFailed) is { } metrics)
        {
            return new EvaluationOutcome { Metrics = metrics, Cached = true };
        }

        var outcome = await evaluate();
        if (key is not null && outcome.Error is null)
        {
            try
            {
                await cache!.PutAsync(key, outcome.Metrics);
            }
            catch (StorageException e)
            {
                cacheFailed?.Invoke(e);
            }
        }

        return outcome;
    }

    private static async Task<IReadOnlyDictionary<string, double>?> TryGetAsync(IEvaluationCache cache, string key, Action<Exception>? cacheFailed)
    {
        try
        {
            return await cache.GetAsync(key);
        }
        catch (StorageException e)
        {
            cacheFailed?.Invoke(e);
            return null;
        }
    }
}
