using FusionCluster.Connectivity.Matching;
using FusionCluster.Language.Models;
using static TorchSharp.torch;

namespace FusionCluster.Connectivity.LanguageModels;

/// <summary>
/// One batch of activation matching: <see cref="Keep"/> sees the reference's forward pass and keeps a float64 copy of
/// its activations at the sites being correlated; <see cref="Pair"/> sees the other model's pass and adds each
/// site's pair to its correlation sums. Whether the models run whole or block by block, a site's pair is added once
/// per batch, so its sums see the batches in order either way.
/// </summary>
internal sealed class BatchPairs : IDisposable
{
    private readonly Dictionary<string, CrossCorrelation> correlations;
    private readonly Dictionary<string, Tensor> kept = new(StringComparer.Ordinal);
    private int seen;

    public BatchPairs(Dictionary<string, CrossCorrelation> correlations)
    {
        this.correlations = correlations;
        Keep = new ActivationCapture { HiddenState = (i, x) => KeepSite(LanguageActivationMatcher.Hidden(i), x), LinearInput = KeepSite };
        Pair = new ActivationCapture { HiddenState = (i, x) => PairSite(LanguageActivationMatcher.Hidden(i), x), LinearInput = PairSite };
    }

    /// <summary>The capture for the reference's forward pass.</summary>
    public ActivationCapture Keep { get; }

    /// <summary>The capture for the other model's forward pass, after the reference's.</summary>
    public ActivationCapture Pair { get; }

    /// <summary>Throws unless both passes showed <paramref name="sites"/> sites.</summary>
    public void CheckAll(int sites)
    {
        if (seen != sites || kept.Count != sites)
        {
            throw new InvalidOperationException($"the forward passes showed {kept.Count} and {seen} of the {sites} activation sites");
        }
    }

    public void Dispose()
    {
        foreach (var tensor in kept.Values)
        {
            tensor.Dispose();
        }

        kept.Clear();
    }

    private void KeepSite(string key, Tensor x)
    {
        if (correlations.ContainsKey(key))
        {
            // The callback's tensor dies with the forward's scope; the float64 copy lives until the other model has run.
            kept[key] = x.detach().reshape(-1, x.shape[^1]).to(ScalarType.Float64, CPU).DetachFromDisposeScope();
        }
    }

    private void PairSite(string key, Tensor x)
    {
        if (correlations.TryGetValue(key, out var correlation))
        {
            var reference = kept.GetValueOrDefault(key) ?? throw new InvalidOperationException($"the reference's forward pass showed no activations at {key}");
            using var scope = NewDisposeScope();
            correlation.Add(reference, x.detach().reshape(-1, x.shape[^1]));
            seen++;
        }
    }
}
