using System.Security.Cryptography;
using System.Text;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Specs;
using FusionCluster.Core.Storage;
using FusionCluster.Core.Sweeps;
using FusionCluster.Grains.Abstractions.Sweeps;
using FusionCluster.Grains.Sweeps.Evaluations;

namespace FusionCluster.Grains.Sweeps.Runs;

/// <summary>Expands a sweep's space into candidates, each with the cache key of its merge.</summary>
public static class SweepCandidates
{
    /// <summary>The sweep spec, its output folder resolved and checked against the data roots like a merge output.</summary>
    /// <exception cref="SpecException">The sweep does not parse.</exception>
    /// <exception cref="StorageException">Its output folder is outside the data roots.</exception>
    public static SweepSpec Parse(SweepDefinition definition, ArtifactStores stores)
    {
        var parsed = SweepSpecParser.Parse(definition.SpecText, definition.SpecName, definition.SpecDirectory, stores.Roots);
        return parsed with { Output = stores.Resolve(parsed.Output, definition.SpecDirectory, mustExist: false) };
    }

    /// <summary>
    /// Fingerprints every point's merge (it reads checkpoint headers). A point whose key cannot be computed
    /// fails alone, unless every point does, or the evaluator's files are missing: then the run cannot run (a
    /// <see cref="SpecException"/>); a point with the key of an earlier one shares that one's merge (<see cref="SweepCandidateStatus.SameAs"/>).
    /// </summary>
    /// <param name="run">The run's number: a connect sweep publishes each point under it.</param>
    /// <returns>Also the ensemble baselines' manifests, which nothing has written yet: the output is not the run's before its claim.</returns>
    public static async Task<(SweepSpec Spec, List<SweepCandidateStatus> Candidates, IReadOnlyList<BaselineEnsemble> Ensembles)> PrepareAsync(
        SweepDefinition definition, long shardSizeBytes, ArtifactStores stores, int run)
    {
        var parsed = Parse(definition, stores);
        var output = stores.OpenSweepOutput(parsed.Output);
        if (parsed.Kind == SweepKind.Connect)
        {
            return (parsed, ConnectPoints(parsed, output, run), []);
        }

        SweepEvaluatorInputs.CheckExist(parsed.Evaluator, stores.Roots);
        var fingerprints = new Dictionary<string, string>(StringComparer.Ordinal);
        var scoring = parsed.Outputs.BestOnly ? await ScoringReferencesAsync(parsed, stores, fingerprints) : null;
        var firstOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var candidates = new List<SweepCandidateStatus>();
        var points = parsed.Candidates();
        foreach (var candidate in points)
        {
            var index = candidate.Point.Index;
            string key;

            // A file this silo may not read (a model's or a dataset's) fails its point alone, naming the file, not the whole run.
            try
            {
                key = await MergeCacheKey.ComputeAsync(candidate, parsed.MergeTemplate.Directory, parsed.Seed, shardSizeBytes, stores, fingerprints, CancellationToken.None);
            }
            catch (Exception e) when (e is SpecException or StorageException or CheckpointException or IOException or UnauthorizedAccessException)
            {
                candidates.Add(new SweepCandidateStatus { Index = index, Label = candidate.Point.Label, SpecText = candidate.SpecText, State = CandidateState.Failed, Error = e.Message });
                continue;
            }

            int? sameAs = firstOfKey.TryGetValue(key, out var first) ? first : null;
            firstOfKey.TryAdd(key, index);
            candidates.Add(new SweepCandidateStatus
            {
                Index = index,
                Label = candidate.Point.Label,
                SpecText = candidate.SpecText,
                CacheKey = key,
                SameAs = sameAs,
                MergeOutput = output.MergeLocation(key),
                ScoreKey = scoring is var (compare, baseFingerprint) ? ScoredEvaluationKey.Compute(key, compare, baseFingerprint) : "",
            });
        }

        if (candidates.Count > 0 && candidates.TrueForAll(c => c.State == CandidateState.Failed))
        {
            // Nothing to merge: the run fails before it claims its output (a misspelt model made the folder for nothing).
            throw new SpecException(candidates.Count == 1 ? candidates[0].Error! : $"none of its {candidates.Count} points can be merged; the first ({candidates[0].Label}): {candidates[0].Error}");
        }

        if (parsed.Baselines.Count == 0 || points.Count == 0)
        {
            return (parsed, candidates, []);
        }

        var (baselines, ensembles) = SweepBaselineCandidates.Create(parsed, points[0].Spec, output, stores, candidates.Count);
        return (parsed, [.. candidates, .. baselines], ensembles);
    }

    /// <summary>
    /// The tensors evaluator's compared and base models, fingerprinted like merge inputs (shared with them through
    /// <paramref name="fingerprints"/>), for <see cref="ScoredEvaluationKey"/>; null when one cannot be read: its points are
    /// then scored without the cache, and the scoring job reports what it cannot read.
    /// </summary>
    private static async Task<(IReadOnlyList<(string Name, string Fingerprint)> Compare, string? Base)?> ScoringReferencesAsync(
        SweepSpec spec, ArtifactStores stores, Dictionary<string, string> fingerprints)
    {
        if (spec.Evaluator.Tensors is not { } tensors)
        {
            return null;
        }

        try
        {
            var compare = new List<(string Name, string Fingerprint)>();
            foreach (var (name, folder) in tensors.Compare)
            {
                compare.Add((name, await FingerprintAsync(folder)));
            }

            return (compare, tensors.Base is { } baseFolder ? await FingerprintAsync(baseFolder) : null);
        }
        catch (Exception e) when (e is StorageException or CheckpointException or IOException or UnauthorizedAccessException)
        {
            return null;
        }

        Task<string> FingerprintAsync(string folder) =>
            MergeCacheKey.FingerprintOnceAsync(stores.Resolve(folder, spec.MergeTemplate.Directory, mustExist: true), stores, fingerprints, CancellationToken.None);
    }

    /// <summary>
    /// A connect sweep's points, each published at its own place under the run; points with the same options (key) share
    /// the first one's evaluation and result.
    /// </summary>
    private static List<SweepCandidateStatus> ConnectPoints(SweepSpec spec, ISweepOutput output, int run)
    {
        var firstOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var candidates = new List<SweepCandidateStatus>();
        foreach (var (point, options) in spec.Points.Zip(spec.ConnectPoints()))
        {
            var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(options.Canonical)))[..MergeCacheKey.Length];
            int? sameAs = firstOfKey.TryGetValue(key, out var first) ? first : null;
            firstOfKey.TryAdd(key, point.Index);
            candidates.Add(new SweepCandidateStatus
            {
                Index = point.Index,
                Label = point.Label,
                SpecText = options.Canonical,
                CacheKey = key,
                SameAs = sameAs,
                MergeOutput = output.ConnectLocation(run, sameAs ?? point.Index),
            });
        }

        return candidates;
    }
}
