using System.Text.Json;
using System.Text.Json.Nodes;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Ensembles;
using FusionCluster.Language.Evaluation;
using FusionCluster.Language.Models;
using FusionCluster.Language.Tokenization;
using static TorchSharp.torch;

namespace FusionCluster.Language.Ensembles;

/// <summary>
/// An ensemble of language models: members that share one tokenizer (their tokenizer.json files hold the same
/// JSON, whatever the formatting) and one vocabulary size, combined by <c>mean-probs</c> (the default: the
/// next-token distribution is the weighted mean of the members' probabilities, a mixture) or <c>mean-logits</c>
/// (softmax of the weighted mean of their logits). <c>vote</c> gives no probabilities and is refused.
/// </summary>
public sealed class LanguageModelEnsemble
{
    private LanguageModelEnsemble(EnsembleManifest manifest, IReadOnlyList<LanguageModelConfig> configs, LocalRoots? roots)
    {
        this.roots = roots;
        Manifest = manifest;
        Configs = configs;
    }

    private readonly LocalRoots? roots;

    public EnsembleManifest Manifest { get; }

    /// <summary>Each member's config, in member order.</summary>
    public IReadOnlyList<LanguageModelConfig> Configs { get; }

    /// <summary>The folder whose tokenizer.json every member shares (the first member's).</summary>
    public string TokenizerFolder => Manifest.Members[0].Folder;

    /// <summary>The default perplexity window: the smallest member's, so that no member sees a longer window than it was built for.</summary>
    public int DefaultContext => Configs.Min(PerplexityCalculator.DefaultContext);

    /// <summary>Checks that the members are language models this code runs, with one tokenizer and vocabulary; errors name the member.</summary>
    public static LanguageModelEnsemble Open(EnsembleManifest manifest, LocalRoots? roots = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.Rule == EnsembleRule.Vote)
        {
            throw new LanguageModelException($"{manifest.Label}: rule '{EnsembleRules.Vote}' gives no probabilities; a language-model ensemble uses {EnsembleRules.MeanProbs} or {EnsembleRules.MeanLogits}");
        }

        var configs = new List<LanguageModelConfig>();
        JsonNode? firstTokenizer = null;
        foreach (var member in manifest.Members)
        {
            var config = LanguageModelCheckpoint.ReadConfig(member.Folder, roots);
            var tokenizerPath = Path.Combine(member.Folder, HfTokenizer.FileName);
            if (!File.Exists(tokenizerPath))
            {
                throw new LanguageModelException($"{manifest.Label}: member '{member.Path}' has no {HfTokenizer.FileName} ({tokenizerPath})");
            }

            JsonNode? tokenizer;
            try
            {
                tokenizer = JsonNode.Parse(HfTokenizer.ReadFile((roots ?? LocalRoots.Anywhere).CheckFile(tokenizerPath, "tokenizer file")));
            }
            catch (JsonException e)
            {
                throw new LanguageModelException($"{tokenizerPath}: not valid JSON: {e.Message}", e);
            }

            if (configs.Count == 0)
            {
                firstTokenizer = tokenizer;
            }
            else if (!JsonNode.DeepEquals(firstTokenizer, tokenizer))
            {
                throw new LanguageModelException($"{manifest.Label}: member '{member.Path}' has a different tokenizer.json from member '{manifest.Members[0].Path}': an ensemble's members must share one tokenizer");
            }
            else if (config.VocabSize != configs[0].VocabSize)
            {
                throw new LanguageModelException($"{manifest.Label}: member '{member.Path}' has vocab_size {config.VocabSize}, member '{manifest.Members[0].Path}' {configs[0].VocabSize}: an ensemble's members must share one vocabulary");
            }

            configs.Add(config);
        }

        return new LanguageModelEnsemble(manifest, configs, roots);
    }

    /// <summary>
    /// Perplexity of the ensemble's next-token distribution on <paramref name="ids"/>, windows as for one model.
    /// mean-probs runs one member at a time (memory: the largest member) and mixes each token's probabilities;
    /// mean-logits holds every member at once. <c>tokens_per_second</c> counts window tokens through the whole
    /// ensemble (each through every member) per second.
    /// </summary>
    public PerplexityResult Perplexity(IReadOnlyList<int> ids, int context, Device device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var weights = Manifest.NormalizedWeights;
        var used = Enumerable.Range(0, Manifest.Members.Count).Where(i => weights[i] > 0).ToList();
        foreach (var i in used)
        {
            // Before any member runs: a later one with fewer positions would refuse only after the others' passes.
            PerplexityCalculator.CheckContext(context, Configs[i], $"{Manifest.Label}: member '{Manifest.Members[i].Path}'");
        }

        if (Manifest.Rule == EnsembleRule.MeanLogits)
        {
            var models = new List<LlamaForCausalLM>();
            try
            {
                foreach (var i in used)
                {
                    models.Add(LanguageModelCheckpoint.Load(Manifest.Members[i].Folder, device, roots));
                }

                var scores = PerplexityCalculator.Score(models, used.Select(i => weights[i]).ToList(), ids, context, cancellationToken);
                return scores.ToResult(scores.LogProbabilities.Sum());
            }
            finally
            {
                models.ForEach(m => m.Dispose());
            }
        }

        // log Σ_m w_m p_m(token), per token, as a running log-sum-exp over the members.
        TokenScores? first = null;
        double[]? mixture = null;
        double seconds = 0;
        foreach (var i in used)
        {
            TokenScores scores;
            using (var model = LanguageModelCheckpoint.Load(Manifest.Members[i].Folder, device, roots))
            {
                scores = PerplexityCalculator.Score([model], [1.0], ids, context, cancellationToken);
            }

            seconds += scores.Seconds;
            var logWeight = Math.Log(weights[i]);
            if (mixture is null)
            {
                first = scores;
                mixture = scores.LogProbabilities.Select(p => p + logWeight).ToArray();
                continue;
            }

            for (var t = 0; t < mixture.Length; t++)
            {
                mixture[t] = LogAddExp(mixture[t], scores.LogProbabilities[t] + logWeight);
            }
        }

        return first!.ToResult(mixture!.Sum(), seconds);
    }

    private static double LogAddExp(double a, double b)
    {
        var high = Math.Max(a, b);
        return double.IsNegativeInfinity(high) ? high : high + Math.Log(Math.Exp(a - high) + Math.Exp(b - high));
    }
}
