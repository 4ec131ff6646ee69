using System.Diagnostics;
using FusionCluster.Evaluation.Training;
using FusionCluster.Language.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Language.Evaluation;

/// <summary>
/// Perplexity of a causal LM on token ids: the ids are cut into consecutive non-overlapping windows of
/// <c>context</c> tokens, each window predicts its tokens 2..n from their prefixes (no window sees an
/// earlier one), and perplexity = exp(mean NLL over all predicted tokens). Windows of equal length run in
/// batches sized so that a batch's logits stay near 512 MiB.
/// </summary>
public static class PerplexityCalculator
{
    private const long LogitElementsPerBatch = 1L << 27;

    public const int MaxDefaultContext = 2048;

    /// <summary>The default window: max_position_embeddings, capped at <see cref="MaxDefaultContext"/>.</summary>
    public static int DefaultContext(LanguageModelConfig config) => Math.Min(config.MaxPositionEmbeddings, MaxDefaultContext);

    public static PerplexityResult Compute(LlamaForCausalLM model, IReadOnlyList<int> ids, int context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var scores = Score([model], [1.0], ids, context, cancellationToken);
        return scores.ToResult(scores.LogProbabilities.Sum());
    }

    /// <summary>
    /// Refuses windows longer than <paramref name="config"/>'s max_position_embeddings: positions past it were never trained
    /// (a RoPE model still runs there, as transformers does, but its perplexity then measures extrapolation, not the
    /// model). Callers that read configs before loading models check first, naming the model.
    /// </summary>
    /// <param name="model">The model's folder, named in the error; null where the caller names it.</param>
    public static void CheckContext(int context, LanguageModelConfig config, string? model = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (context > config.MaxPositionEmbeddings)
        {
            throw new LanguageModelException($"{(model is null ? "" : $"{model}: ")}a context of {context} tokens is longer than max_position_embeddings in config.json ({config.MaxPositionEmbeddings}); use a context of at most {config.MaxPositionEmbeddings}");
        }
    }

    /// <summary>
    /// The log-probability (natural log) of every predicted token, windows in text order, under the softmax of
    /// Σ weights[m] · logits of models[m] (one model: its own logits, whatever its weight). Every model runs on
    /// every window; <see cref="TokenScores.ForwardTokens"/> counts window tokens once.
    /// </summary>
    public static TokenScores Score(IReadOnlyList<LlamaForCausalLM> models, IReadOnlyList<double> weights, IReadOnlyList<int> ids, int context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(ids);
        if (models.Count == 0 || weights.Count != models.Count)
        {
            throw new ArgumentException("one weight per model, and at least one model", nameof(weights));
        }

        if (context < 2)
        {
            throw new ArgumentException($"--context {context}: a window needs at least 2 tokens", nameof(context));
        }

        foreach (var model in models)
        {
            CheckContext(context, model.Config);
        }

        var vocabulary = models[0].Config.VocabSize;
        if (models.Any(m => m.Config.VocabSize != vocabulary))
        {
            throw new LanguageModelException($"the models' vocabularies differ ({string.Join(", ", models.Select(m => m.Config.VocabSize))}); their logits cannot be combined");
        }

        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] < 0 || ids[i] >= vocabulary)
            {
                throw new LanguageModelException($"token id {ids[i]} (position {i}) is outside the model's vocabulary of {vocabulary}: the tokenizer does not belong to this model");
            }
        }

        var windows = TokenWindow.Split(ids.Count, context);
        var predicted = windows.Sum(w => (long)w.Predicted);
        if (predicted == 0)
        {
            throw new LanguageModelException($"the text has {ids.Count} token(s): nothing to predict");
        }

        // Each window's predictions land at its place in text order, whatever order the batches run in.
        var offsets = new long[windows.Count];
        for (var w = 1; w < windows.Count; w++)
        {
            offsets[w] = offsets[w - 1] + windows[w - 1].Predicted;
        }

        var logProbabilities = new double[predicted];
        var batchSize = (int)Math.Clamp(LogitElementsPerBatch / ((long)context * vocabulary), 1, 64);
        long forwardTokens = 0;
        var stopwatch = Stopwatch.StartNew();
        using var noGrad = no_grad();
        var device = models[0].Device;
        foreach (var group in Enumerable.Range(0, windows.Count).Where(w => windows[w].Length >= 2).GroupBy(w => windows[w].Length))
        {
            var same = group.ToList();
            var length = group.Key;
            for (var first = 0; first < same.Count; first += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = same.GetRange(first, Math.Min(batchSize, same.Count - first));
                var flat = new long[batch.Count * length];
                for (var b = 0; b < batch.Count; b++)
                {
                    for (var t = 0; t < length; t++)
                    {
                        flat[(b * length) + t] = ids[windows[batch[b]].Start + t];
                    }
                }

                using var scope = NewDisposeScope();
                var input = tensor(flat, [batch.Count, length]).to(device);
                Tensor? logits = null;
                for (var m = 0; m < models.Count; m++)
                {
                    var memberLogits = models[m].Forward(input);
                    using var weight = weights[m].ToScalar();
                    var weighted = models.Count == 1 ? memberLogits : memberLogits * weight;
                    logits = logits is null ? weighted : logits.add(weighted, HeldScalars.One);
                }

                var predictions = logits!.narrow(1, 0, length - 1).log_softmax(-1);
                var targets = input.narrow(1, 1, length - 1).unsqueeze(-1);
                var picked = predictions.gather(-1, targets).squeeze(-1).to(ScalarType.Float64).cpu().data<double>().ToArray();
                for (var b = 0; b < batch.Count; b++)
                {
                    Array.Copy(picked, b * (length - 1), logProbabilities, offsets[batch[b]], length - 1);
                }

                forwardTokens += flat.Length;
            }
        }

        return new TokenScores(logProbabilities, windows.Count, context, forwardTokens, stopwatch.Elapsed.TotalSeconds);
    }
}
