using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Evaluation.MultiTask;
using FusionCluster.Language.Models;
using static TorchSharp.torch;

namespace FusionCluster.Language.DataAware;

/// <summary>
/// Fisher merging's statistics of a llama-family model on its own text: per tensor, the diagonal empirical Fisher
/// E_w[(∂ log p(w) / ∂θ)²] over the token windows w, where log p(w) = Σ_t log p(w_t | w_&lt;t) is the window's
/// next-token log-likelihood of its own tokens (the empirical Fisher of Matena and Raffel and mergekit, with a window
/// as the sample). The mean over windows, not the sum, matches the classifier path's
/// (<c>MergeStatistics.ComputeFishers</c>), so models with different amounts of text weigh alike.
/// One backward pass per window (a sample's gradient must be squared before summing); sums are float64, so a call
/// holds the float32 model, its gradients and two float64 copies of the wanted tensors.
/// </summary>
public static class LanguageFishers
{
    /// <summary>The Fisher of every parameter among <paramref name="tensorNames"/>, keyed by name, float32.</summary>
    public static NamedTensors Compute(LlamaForCausalLM model, IReadOnlyList<int[]> windows, IReadOnlyCollection<string> tensorNames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(tensorNames);
        if (windows.Count == 0)
        {
            throw new ArgumentException("no token windows to compute Fishers on", nameof(windows));
        }

        if (windows.FirstOrDefault(w => w.Length < 2) is { } shortWindow)
        {
            throw new ArgumentException($"a token window of {shortWindow.Length} token(s) predicts nothing", nameof(windows));
        }

        var names = tensorNames.ToHashSet(StringComparer.Ordinal);
        var parameters = model.named_parameters().Where(p => names.Contains(p.name)).ToList();
        var missing = names.Except(parameters.Select(p => p.name), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"the model has no parameter {string.Join(", ", missing)}", nameof(tensorNames));
        }

        // Gradients only where they are wanted; the caller's flags come back afterwards.
        var flags = model.parameters().Select(p => (Parameter: p, p.requires_grad)).ToList();
        var sums = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (parameter, _) in flags)
            {
                parameter.requires_grad = false;
            }

            foreach (var (name, parameter) in parameters)
            {
                parameter.requires_grad = true;
                sums[name] = zeros(parameter.shape, ScalarType.Float64, CPU);
            }

            foreach (var window in windows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Each window is progress of the statistics unit (the worker's stall rule).
                UnitProgress.Beat();
                Accumulate(model, window, parameters, sums);
            }

            var fishers = new NamedTensors();
            foreach (var (name, sum) in sums.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                using var mean = sum.div(windows.Count);
                fishers.Add(name, mean.to(ScalarType.Float32));
            }

            return fishers;
        }
        finally
        {
            foreach (var sum in sums.Values)
            {
                sum.Dispose();
            }

            foreach (var (parameter, requiresGrad) in flags)
            {
                parameter.grad?.Dispose();
                parameter.grad = null;
                parameter.requires_grad = requiresGrad;
            }
        }
    }

    /// <summary>
    /// The tensors a statistics unit of block <paramref name="block"/> computes Fishers of: the block's own
    /// (<c>model.layers.&lt;block&gt;.*</c>) and, for the last block, those outside every block (embeddings, the final
    /// norm, lm_head), the block whose file a merge unit reads for them.
    /// </summary>
    public static IReadOnlyList<string> BlockTensors(IEnumerable<string> tensorNames, int block, int blocks)
    {
        ArgumentNullException.ThrowIfNull(tensorNames);
        ArgumentOutOfRangeException.ThrowIfNegative(block);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(block, blocks);
        return tensorNames.Where(n => (LanguageModelBlocks.BlockOf(n) ?? blocks - 1) == block).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>One forward and backward pass of a window's log-likelihood, adding each wanted gradient's square to its sum.</summary>
    private static void Accumulate(LlamaForCausalLM model, int[] window, List<(string name, TorchSharp.Modules.Parameter parameter)> parameters, Dictionary<string, Tensor> sums)
    {
        using var scope = NewDisposeScope();
        foreach (var (_, parameter) in parameters)
        {
            parameter.grad?.zero_();
        }

        var input = tensor(window.Select(t => (long)t).ToArray(), [1, window.Length]);
        var logits = model.Forward(input);
        var predicted = logits[.., ..^1, ..].log_softmax(-1);
        var targets = input[.., 1..].to(predicted.device).unsqueeze(-1);
        var logLikelihood = predicted.gather(-1, targets).sum();
        logLikelihood.backward();
        foreach (var (name, parameter) in parameters)
        {
            var gradient = parameter.grad ?? throw new InvalidOperationException($"the window's log-likelihood does not depend on {name}");
            sums[name].add_(gradient.detach().to(ScalarType.Float64, CPU).square());
        }
    }
}
