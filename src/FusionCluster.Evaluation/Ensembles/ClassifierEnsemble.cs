using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Evaluators;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Evaluation.Ensembles;

/// <summary>
/// The member classifiers of an <see cref="EnsembleManifest"/>, loaded together (classifiers are small) and
/// combined by its rule. Members may differ in architecture (an MLP beside a CNN) but must take the same
/// input shape into the same number of classes.
/// </summary>
public sealed class ClassifierEnsemble : IDisposable
{
    private readonly List<ClassifierNetwork> networks;
    private readonly IReadOnlyList<double> weights;

    private ClassifierEnsemble(EnsembleManifest manifest, List<ClassifierNetwork> networks)
    {
        Manifest = manifest;
        this.networks = networks;
        weights = manifest.NormalizedWeights;
    }

    public EnsembleManifest Manifest { get; }

    /// <summary>The first member's config: input shape and classes, which every member shares.</summary>
    public ClassifierConfig Config => networks[0].Config;

    /// <summary>Loads every member (inside <paramref name="roots"/> when given), checking that each takes the first member's input shape into as many classes.</summary>
    public static ClassifierEnsemble Load(EnsembleManifest manifest, LocalRoots? roots = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var networks = new List<ClassifierNetwork>();
        try
        {
            foreach (var member in manifest.Members)
            {
                var network = ClassifierCheckpoint.Load(member.Folder, roots);
                networks.Add(network);
                network.eval();
                var first = networks[0].Config;
                var config = network.Config;
                if (config.Channels != first.Channels || config.Height != first.Height || config.Width != first.Width || config.NumLabels != first.NumLabels)
                {
                    throw new EvaluationException($"{manifest.Label}: member '{member.Path}' takes {config.Channels}x{config.Height}x{config.Width} images into {config.NumLabels} classes, but member '{manifest.Members[0].Path}' takes {first.Channels}x{first.Height}x{first.Width} into {first.NumLabels}: an ensemble's members must share their inputs and classes");
                }
            }

            return new ClassifierEnsemble(manifest, networks);
        }
        catch
        {
            networks.ForEach(n => n.Dispose());
            throw;
        }
    }

    /// <summary>
    /// The ensemble's predicted class per input [N] (int64) and its log-probabilities [N, classes], the latter
    /// null under <see cref="EnsembleRule.Vote"/>, which gives no probabilities. Results are in the caller's
    /// dispose scope.
    /// </summary>
    public (Tensor Predicted, Tensor? LogProbabilities) Score(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var used = Enumerable.Range(0, networks.Count).Where(i => weights[i] > 0).ToList();
        switch (Manifest.Rule)
        {
            case EnsembleRule.MeanProbs:
            {
                // log Σ w p = logsumexp(log w + log p), stable where the probabilities are tiny.
                var terms = stack(used.Select(i =>
                {
                    using var logWeight = Math.Log(weights[i]).ToScalar();
                    return networks[i].call(inputs).log_softmax(1).add(logWeight, HeldScalars.One);
                }).ToArray());
                var logProbabilities = terms.logsumexp(0);
                return (logProbabilities.argmax(1), logProbabilities);
            }

            case EnsembleRule.MeanLogits:
            {
                var logits = used.Select(i =>
                {
                    using var weight = weights[i].ToScalar();
                    return networks[i].call(inputs) * weight;
                }).Aggregate((a, b) => a.add(b, HeldScalars.One));
                return (logits.argmax(1), logits.log_softmax(1));
            }

            case EnsembleRule.Vote:
            {
                Tensor? votes = null;
                foreach (var i in used)
                {
                    using var weight = weights[i].ToScalar();
                    var choice = nn.functional.one_hot(networks[i].call(inputs).argmax(1), Config.NumLabels).to(ScalarType.Float64) * weight;
                    votes = votes is null ? choice : votes.add(choice, HeldScalars.One);
                }

                // argmax returns the first of equal maxima: a tie goes to the lowest class.
                return (votes!.argmax(1), null);
            }

            default:
                throw new InvalidOperationException($"rule {Manifest.Rule}");
        }
    }

    public void Dispose() => networks.ForEach(n => n.Dispose());
}
