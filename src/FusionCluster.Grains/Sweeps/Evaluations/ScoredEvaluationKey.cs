using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FusionCluster.Grains.Sweeps.Evaluations;

/// <summary>
/// The evaluation cache's key for a point scored inside its merge job (<c>outputs: {publish: best}</c>), which writes no
/// model whose content <see cref="EvaluationCacheKey"/> could hash. The point is named by its merge's cache key instead
/// (<see cref="Core.Sweeps.MergeCacheKey"/>: what decides the bytes it would write, the same trust a sweep already gives a
/// published merge it reuses), and the tensors evaluator by its compared and base models' names and fingerprints
/// (<see cref="Core.Sweeps.MergeCacheKey.FingerprintAsync"/>). In-job metrics are the bits of evaluating the written
/// model, so the key carries <see cref="EvaluationCacheKey"/>'s version: a change of the metrics misses both.
/// </summary>
public static class ScoredEvaluationKey
{
    /// <param name="mergeKey">The point's merge cache key.</param>
    /// <param name="compare">The compared models' names and fingerprints, in the evaluator's order (the metrics are named after them).</param>
    /// <param name="baseFingerprint">The base model's fingerprint; null when the evaluator has no base.</param>
    /// <returns>64 lower-case hex characters, like <see cref="EvaluationCacheKey"/>'s.</returns>
    public static string Compute(string mergeKey, IReadOnlyList<(string Name, string Fingerprint)> compare, string? baseFingerprint)
    {
        ArgumentException.ThrowIfNullOrEmpty(mergeKey);
        ArgumentNullException.ThrowIfNull(compare);
        var text = new StringBuilder()
            .Append(EvaluationCacheKey.Version).Append('\n')
            .Append("scored in-job, merge ").Append(mergeKey).Append('\n');
        // Each name and fingerprint with its length first: no choice of names can make two evaluators' texts the same.
        foreach (var (name, fingerprint) in compare)
        {
            text.Append(CultureInfo.InvariantCulture, $"compare {name.Length}:{name} {fingerprint.Length}:{fingerprint}\n");
        }

        if (baseFingerprint is null)
        {
            text.Append("no base\n");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"base {baseFingerprint.Length}:{baseFingerprint}\n");
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
