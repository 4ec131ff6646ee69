using System.Diagnostics;
using FusionCluster.Language.Models;
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
        ArgumentNullException.ThrowIfNull(ids);
        if (context < 2)
        {
            throw new ArgumentException($"--context {context}: a window needs at least 2 tokens", nameof(context));
        }

        var vocabulary = model.Config.VocabSize;
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

        var batchSize = (int)Math.Clamp(LogitElementsPerBatch / ((long)context * vocabulary), 1, 64);
        double nllSum = 0;
        long forwardTokens = 0;
        var stopwatch = Stopwatch.StartNew();
        using var noGrad = no_grad();
        foreach (var group in windows.Where(w => w.Length >= 2).GroupBy(w => w.Length))
        {
            var same = group.ToList();
            for (var first = 0; first < same.Count; first += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = same.GetRange(first, Math.Min(batchSize, same.Count - first));
                var length = group.Key;
                var flat = new long[batch.Count * length];
                for (var b = 0; b < batch.Count; b++)
                {
                    for (var t = 0; t < length; t++)
                    {
                        flat[(b * length) + t] = ids[batch[b].Start + t];
                    }
                }

                using var scope = NewDisposeScope();
                var input = tensor(flat, [batch.Count, length]).to(model.Device);
                var logits = model.Forward(input);
                var predictions = logits.narrow(1, 0, length - 1).reshape(-1, vocabulary);
                var targets = input.narrow(1, 1, length - 1).reshape(-1);
                var nll = nn.functional.cross_entropy(predictions, targets, reduction: nn.Reduction.Sum);
                nllSum += nll.to(ScalarType.Float64).item<double>();
                forwardTokens += flat.Length;
            }
        }

        var seconds = stopwatch.Elapsed.TotalSeconds;
        var mean = nllSum / predicted;
        return new PerplexityResult(Math.Exp(mean), mean, predicted, windows.Count, context, forwardTokens / Math.Max(seconds, 1e-9));
    }
}
