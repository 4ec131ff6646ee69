using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Evaluation.Models;
using FusionCluster.Language.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FusionCluster.Language.DataAware;

/// <summary>
/// Layer-wise AdaMerging (Yang et al., ICLR 2024) of llama-family checkpoints: θ_k = θ0_k + Σ_i λ_ig(k) (θ_ik − θ0_k)
/// with one coefficient per fine-tune i and group g (the embeddings, each decoder block, the final norm with the head),
/// initialised to 0.3 and learned with Adam by minimising, summed over the fine-tunes, the mean entropy of the merged
/// model's next-token distributions on random batches of that fine-tune's token windows; λ is clipped to [0, 1]
/// after each step, as the classifier method does.
/// The llama is a module with parameters, not a function of λ, so the gradient goes by the chain rule: the merged
/// values are written into the parameters, one backward pass gives ∂H/∂θ_k, and ∂H/∂λ_ig = Σ_{k in g} ⟨∂H/∂θ_k, τ_ik⟩
/// (float64 sums), handed to Adam through the surrogate Σ λ_ig·(∂H/∂λ_ig) whose gradient it is.
/// A call holds the base, one task vector per fine-tune and the gradients: about (2 + fine-tunes) model copies.
/// </summary>
public static class LanguageAdaMerging
{
    /// <summary>The paper's initial coefficient.</summary>
    public const double InitialCoefficient = 0.3;

    /// <summary>The group of the token embeddings.</summary>
    public const string EmbeddingsGroup = "model.embed_tokens";

    /// <summary>The group of the final norm and lm_head (with tied embeddings, the norm alone).</summary>
    public const string HeadGroup = "head";

    // Static Scalars: an implicit one per call could be finalized during the native call (see LlamaDecoderLayer).
    private static readonly Scalar Zero = 0.0;

    private static readonly Scalar One = 1.0;

    /// <summary>The groups of a llama with <paramref name="blocks"/> decoder blocks, in the columns' order: embeddings, <c>model.layers.0</c> .., head.</summary>
    public static IReadOnlyList<string> Groups(int blocks) =>
        [EmbeddingsGroup, .. Enumerable.Range(0, blocks).Select(LanguageModelBlocks.Prefix), HeadGroup];

    /// <summary>The group a tensor's coefficient belongs to.</summary>
    public static string GroupOf(string tensorName)
    {
        ArgumentNullException.ThrowIfNull(tensorName);
        if (LanguageModelBlocks.BlockOf(tensorName) is { } block)
        {
            return LanguageModelBlocks.Prefix(block);
        }

        return tensorName.StartsWith(EmbeddingsGroup + ".", StringComparison.Ordinal) ? EmbeddingsGroup : HeadGroup;
    }

    /// <summary>
    /// λ [fine-tune, group] (float32 values) after <paramref name="steps"/> Adam steps. <paramref name="working"/> is
    /// the base model: its parameters hold each step's merge and are the base's again on return.
    /// </summary>
    /// <param name="windows">Per fine-tune, the token windows of its text (the unlabelled data); a step draws <paramref name="batch"/> of them with replacement.</param>
    public static double[,] Learn(LlamaForCausalLM working, IReadOnlyList<LlamaForCausalLM> models, IReadOnlyList<IReadOnlyList<int[]>> windows, int steps, int batch, double learningRate, ulong seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(working);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(windows);
        if (models.Count == 0 || windows.Count != models.Count)
        {
            throw new ArgumentException($"{models.Count} fine-tune(s) and {windows.Count} sets of windows: expected at least one fine-tune, each with its windows", nameof(windows));
        }

        if (windows.Select((w, i) => (Windows: w, Index: i)).FirstOrDefault(w => w.Windows.Count == 0 || w.Windows.Any(x => x.Length < 2)) is { Windows: not null } empty)
        {
            throw new ArgumentException($"fine-tune {empty.Index} has no token window of 2 tokens or more to predict", nameof(windows));
        }

        var groups = Groups(working.Config.NumHiddenLayers);
        var parameters = working.named_parameters().ToList();
        var columns = parameters.Select(p => groups.ToList().IndexOf(GroupOf(p.name))).ToArray();
        var flags = parameters.Select(p => p.parameter.requires_grad).ToList();
        var pretrained = new List<Tensor>();
        var vectors = new List<Tensor>();
        try
        {
            using (no_grad())
            {
                foreach (var (name, parameter) in parameters)
                {
                    pretrained.Add(parameter.detach().clone());
                    vectors.Add(stack(models.Select(m => TaskVector(m, name, parameter)).ToArray()));
                }
            }

            foreach (var (_, parameter) in parameters)
            {
                parameter.requires_grad = true;
            }

            using var lambda = new Parameter(full([models.Count, groups.Count], InitialCoefficient, dtype: ScalarType.Float32), requires_grad: true);
            using var optimizer = optim.Adam([lambda], learningRate);
            var random = new DeterministicRandom(seed);
            for (var step = 0; step < steps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Each step is progress of the coefficients unit (the worker's stall rule).
                UnitProgress.Beat();
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                Write(parameters, pretrained, vectors, columns, lambda);
                foreach (var (_, parameter) in parameters)
                {
                    parameter.grad?.zero_();
                }

                for (var model = 0; model < models.Count; model++)
                {
                    var drawn = Enumerable.Range(0, batch).Select(_ => windows[model][random.NextInt(windows[model].Count)]).ToList();
                    using var predictions = ((double)drawn.Sum(w => w.Length - 1)).ToScalar();
                    foreach (var window in drawn)
                    {
                        EntropySum(working, window).div(predictions).backward();
                    }
                }

                var gradient = LambdaGradient(parameters, vectors, columns, models.Count, groups.Count);
                (lambda * gradient).sum().backward();
                optimizer.step();
                using (no_grad())
                {
                    lambda.clamp_(Zero, One);
                }
            }

            using var values = lambda.detach().to(ScalarType.Float64);
            var flat = values.data<double>().ToArray();
            var result = new double[models.Count, groups.Count];
            for (var i = 0; i < models.Count; i++)
            {
                for (var g = 0; g < groups.Count; g++)
                {
                    result[i, g] = flat[(i * groups.Count) + g];
                }
            }

            return result;
        }
        finally
        {
            using (no_grad())
            {
                for (var k = 0; k < pretrained.Count; k++)
                {
                    parameters[k].parameter.copy_(pretrained[k]);
                }
            }

            for (var k = 0; k < parameters.Count; k++)
            {
                parameters[k].parameter.grad?.Dispose();
                parameters[k].parameter.grad = null;
                parameters[k].parameter.requires_grad = flags[k];
            }

            pretrained.ForEach(t => t.Dispose());
            vectors.ForEach(t => t.Dispose());
        }
    }

    /// <summary>Σ over the window's positions but the last of the entropy (nats) of the model's next-token distribution: the predictions the text has a token for.</summary>
    public static Tensor EntropySum(LlamaForCausalLM model, int[] window)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(window);
        using var scope = NewDisposeScope();
        using var input = tensor(window.Select(t => (long)t).ToArray(), [1, window.Length]);
        var logits = model.Forward(input);
        var logP = logits[.., ..^1, ..].log_softmax(-1);
        return (logP.exp() * logP).sum().neg().MoveToOuterDisposeScope();
    }

    private static Tensor TaskVector(LlamaForCausalLM model, string name, Parameter pretrained)
    {
        var parameter = model.named_parameters().FirstOrDefault(p => p.name == name).parameter
            ?? throw new ArgumentException($"a fine-tune has no parameter '{name}'", nameof(model));
        if (!parameter.shape.SequenceEqual(pretrained.shape))
        {
            throw new ArgumentException($"parameter '{name}' of a fine-tune has shape [{string.Join(", ", parameter.shape)}], the base's [{string.Join(", ", pretrained.shape)}]", nameof(model));
        }

        return parameter.detach().sub(pretrained.detach());
    }

    /// <summary>θ_k = θ0_k + Σ_i λ_ig(k) τ_ik into every parameter (no gradient through λ: the chain rule is applied by hand).</summary>
    private static void Write(List<(string name, Parameter parameter)> parameters, List<Tensor> pretrained, List<Tensor> vectors, int[] columns, Tensor lambda)
    {
        using var noGrad = no_grad();
        using var coefficients = lambda.detach();
        for (var k = 0; k < parameters.Count; k++)
        {
            using var scope = NewDisposeScope();
            var shape = new long[vectors[k].dim()];
            Array.Fill(shape, 1L);
            shape[0] = -1;
            var column = coefficients.select(1, columns[k]).view(shape);
            parameters[k].parameter.copy_(pretrained[k].add((vectors[k] * column).sum(0), One));
        }
    }

    /// <summary>∂H/∂λ_ig = Σ_{k in g} ⟨∂H/∂θ_k, τ_ik⟩, summed in float64 in parameter order, as float32 [fine-tune, group].</summary>
    private static Tensor LambdaGradient(List<(string name, Parameter parameter)> parameters, List<Tensor> vectors, int[] columns, int models, int groups)
    {
        using var noGrad = no_grad();
        var sums = new double[models * groups];
        for (var k = 0; k < parameters.Count; k++)
        {
            using var scope = NewDisposeScope();
            var gradient = parameters[k].parameter.grad ?? throw new InvalidOperationException($"the entropy does not depend on {parameters[k].name}");
            var flatGradient = gradient.to(ScalarType.Float64).reshape(1, -1);
            var dots = (vectors[k].to(ScalarType.Float64).reshape(models, -1) * flatGradient).sum(1).data<double>().ToArray();
            for (var i = 0; i < models; i++)
            {
                sums[(i * groups) + columns[k]] += dots[i];
            }
        }

        return tensor(sums.Select(s => (float)s).ToArray(), [models, groups]);
    }
}
