using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.Models;
using FusionCluster.Evaluation.Training;
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
/// <see cref="Learn"/> holds the base, one task vector per fine-tune and the gradients: about (2 + fine-tunes) model
/// copies; <see cref="LearnStreamedAsync"/> (what jobs run) learns the same λ with one part of the model in memory.
/// </summary>
public static class LanguageAdaMerging
{
    /// <summary>The paper's initial coefficient.</summary>
    public const double InitialCoefficient = 0.3;

    /// <summary>The group of the token embeddings.</summary>
    public const string EmbeddingsGroup = "model.embed_tokens";

    /// <summary>The group of the final norm and lm_head (with tied embeddings, the norm alone).</summary>
    public const string HeadGroup = "head";

    // Static Scalars: an implicit one per call could be finalized during the native call (see HeldScalars).
    private static readonly Scalar Zero = 0.0;

    /// <summary>The groups of a llama with <paramref name="blocks"/> decoder blocks, in the columns' order: embeddings, <c>model.layers.0</c> .., head.</summary>
    public static IReadOnlyList<string> Groups(int blocks) =>
        [EmbeddingsGroup, .. Enumerable.Range(0, blocks).Select(LanguageModelBlocks.Prefix), HeadGroup];

    /// <summary>The parameters of a llama with <paramref name="config"/>, in the module's order: the tensors λ's groups cover.</summary>
    public static IReadOnlyList<string> TensorNames(LanguageModelConfig config) =>
        [.. LanguageModelCheckpoint.ExpectedTensors(config).Select(t => t.Name)];

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
        CheckWindows(models.Count, windows);
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
                    vectors.Add(TaskVectors([.. models.Select(m => FineTuned(m, name, parameter))], parameter));
                }
            }

            foreach (var (_, parameter) in parameters)
            {
                parameter.requires_grad = true;
            }

            Task<double[]> Gradient(Tensor coefficients, IReadOnlyList<IReadOnlyList<int[]>> drawn)
            {
                Write(parameters, pretrained, vectors, columns, coefficients);
                foreach (var (_, parameter) in parameters)
                {
                    parameter.grad?.zero_();
                }

                for (var model = 0; model < models.Count; model++)
                {
                    using var predictions = Predictions(drawn[model]);
                    foreach (var window in drawn[model])
                    {
                        using var scope = NewDisposeScope();
                        EntropySum(working, window).div(predictions).backward();
                    }
                }

                return Task.FromResult(LambdaGradient(parameters, vectors, columns, models.Count, groups.Count));
            }

            // Nothing awaits: the gradient is computed synchronously.
            return OptimiseAsync(models.Count, groups.Count, windows, steps, batch, learningRate, seed, Gradient, cancellationToken).GetAwaiter().GetResult();
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

    /// <summary>
    /// What <see cref="Learn"/> learns, with memory bounded by one part of the model rather than the model
    /// (<see cref="AdaMergingBlockStream"/>): each step runs the merged model forward one part at a time (embeddings,
    /// each decoder block, final norm with head), read from the checkpoints and merged with the step's λ, keeping only
    /// every part's input activations for the step's windows, then backward in reverse order, recomputing each part's
    /// forward from its saved input (gradient checkpointing). Every window goes through the same operations in the same
    /// order as in <see cref="Learn"/>, so the λ agree with it to float rounding (bit for bit with an untied head).
    /// </summary>
    /// <param name="fineTunes">Each fine-tune's checkpoint and its name in errors, shaped like the base.</param>
    public static async Task<double[,]> LearnStreamedAsync(
        ICheckpoint baseCheckpoint, string baseName, IReadOnlyList<(ICheckpoint Checkpoint, string Name)> fineTunes, IReadOnlyList<IReadOnlyList<int[]>> windows, int steps, int batch, double learningRate, ulong seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseCheckpoint);
        ArgumentNullException.ThrowIfNull(fineTunes);
        CheckWindows(fineTunes.Count, windows);
        using var stream = AdaMergingBlockStream.Open(baseCheckpoint, baseName, fineTunes);
        return await OptimiseAsync(fineTunes.Count, Groups(stream.Config.NumHiddenLayers).Count, windows, steps, batch, learningRate, seed, (coefficients, drawn) => stream.GradientAsync(coefficients, drawn, cancellationToken), cancellationToken);
    }

    /// <summary>At least one fine-tune, each with a window of 2 tokens or more.</summary>
    private static void CheckWindows(int models, IReadOnlyList<IReadOnlyList<int[]>> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (models == 0 || windows.Count != models)
        {
            throw new ArgumentException($"{models} fine-tune(s) and {windows.Count} sets of windows: expected at least one fine-tune, each with its windows", nameof(windows));
        }

        if (windows.Select((w, i) => (Windows: w, Index: i)).FirstOrDefault(w => w.Windows.Count == 0 || w.Windows.Any(x => x.Length < 2)) is { Windows: not null } empty)
        {
            throw new ArgumentException($"fine-tune {empty.Index} has no token window of 2 tokens or more to predict", nameof(windows));
        }
    }

    /// <summary>
    /// Adam on λ [fine-tune, group], initialised to <see cref="InitialCoefficient"/> and clipped to [0, 1] after each
    /// step. Each step draws <paramref name="batch"/> windows per fine-tune (with replacement) and hands the λ
    /// (float32, detached) and the draws to <paramref name="gradient"/>, which returns ∂H/∂λ (float64, [fine-tune, group]
    /// row-major). Adam gets it through the surrogate Σ λ·(∂H/∂λ), whose gradient it is.
    /// </summary>
    private static async Task<double[,]> OptimiseAsync(
        int models, int groups, IReadOnlyList<IReadOnlyList<int[]>> windows, int steps, int batch, double learningRate, ulong seed,
        Func<Tensor, IReadOnlyList<IReadOnlyList<int[]>>, Task<double[]>> gradient, CancellationToken cancellationToken)
    {
        using var lambda = new Parameter(full([models, groups], InitialCoefficient, dtype: ScalarType.Float32), requires_grad: true);
        using var optimizer = new AdamOptimizer([lambda], learningRate);
        var random = new DeterministicRandom(seed);
        for (var step = 0; step < steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Each step is progress of the coefficients unit (the worker's stall rule).
            UnitProgress.Beat();
            optimizer.ZeroGrad();
            var drawn = windows.Select(w => (IReadOnlyList<int[]>)[.. Enumerable.Range(0, batch).Select(_ => w[random.NextInt(w.Count)])]).ToList();
            double[] sums;
            using (var coefficients = lambda.detach())
            {
                sums = await gradient(coefficients, drawn);
            }

            // Torch state (no_grad, dispose scopes) is thread-local: none is held across the await above.
            using var scope = NewDisposeScope();
            var derivative = tensor(sums.Select(s => (float)s).ToArray(), [models, groups]);
            (lambda * derivative).sum().backward();
            optimizer.Step();
            using (no_grad())
            {
                lambda.clamp_(Zero, HeldScalars.One);
            }
        }

        using var values = lambda.detach().to(ScalarType.Float64);
        var flat = values.data<double>().ToArray();
        var result = new double[models, groups];
        for (var i = 0; i < models; i++)
        {
            for (var g = 0; g < groups; g++)
            {
                result[i, g] = flat[(i * groups) + g];
            }
        }

        return result;
    }

    /// <summary>The divisor of a fine-tune's entropy sums: the predictions its drawn windows make.</summary>
    internal static Scalar Predictions(IReadOnlyList<int[]> drawn) => ((double)drawn.Sum(w => w.Length - 1)).ToScalar();

    /// <summary>Σ over the window's positions but the last of the entropy (nats) of the model's next-token distribution: the predictions the text has a token for.</summary>
    public static Tensor EntropySum(LlamaForCausalLM model, int[] window)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(window);
        using var scope = NewDisposeScope();
        using var input = tensor(window.Select(t => (long)t).ToArray(), [1, window.Length]);
        return EntropySum(model.Forward(input)).MoveToOuterDisposeScope();
    }

    /// <summary>Σ over the positions but the last of the entropy (nats) of softmax(<paramref name="logits"/>) [1, seq, vocab].</summary>
    internal static Tensor EntropySum(Tensor logits)
    {
        using var scope = NewDisposeScope();
        var logP = logits[.., ..^1, ..].log_softmax(-1);
        return (logP.exp() * logP).sum().neg().MoveToOuterDisposeScope();
    }

    private static Tensor FineTuned(LlamaForCausalLM model, string name, Parameter pretrained)
    {
        var parameter = model.named_parameters().FirstOrDefault(p => p.name == name).parameter
            ?? throw new ArgumentException($"a fine-tune has no parameter '{name}'", nameof(model));
        if (!parameter.shape.SequenceEqual(pretrained.shape))
        {
            throw new ArgumentException($"parameter '{name}' of a fine-tune has shape [{string.Join(", ", parameter.shape)}], the base's [{string.Join(", ", pretrained.shape)}]", nameof(model));
        }

        return parameter;
    }

    /// <summary>τ_i = θ_i − θ0 for every fine-tune's tensor, stacked [fine-tune, ..].</summary>
    internal static Tensor TaskVectors(IReadOnlyList<Tensor> fineTuned, Tensor pretrained)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return stack([.. fineTuned.Select(t => t.detach().sub(pretrained.detach()))]).MoveToOuterDisposeScope();
    }

    /// <summary>θ_k = θ0_k + Σ_i λ_ig(k) τ_ik into every parameter (no gradient through λ: the chain rule is applied by hand).</summary>
    private static void Write(List<(string name, Parameter parameter)> parameters, List<Tensor> pretrained, List<Tensor> vectors, int[] columns, Tensor coefficients)
    {
        for (var k = 0; k < parameters.Count; k++)
        {
            WriteMerged(parameters[k].parameter, pretrained[k], vectors[k], coefficients, columns[k]);
        }
    }

    /// <summary>θ0 + Σ_i λ_i,column τ_i (τ stacked [fine-tune, ..]) into <paramref name="target"/>, without gradient.</summary>
    internal static void WriteMerged(Tensor target, Tensor pretrained, Tensor vectors, Tensor coefficients, int column)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var shape = new long[vectors.dim()];
        Array.Fill(shape, 1L);
        shape[0] = -1;
        var weights = coefficients.select(1, column).view(shape);
        target.copy_(pretrained.add((vectors * weights).sum(0), HeldScalars.One));
    }

    /// <summary>Adds ⟨∂H/∂θ, τ_i⟩ (float64) to <paramref name="sums"/>[i, column] for every fine-tune i.</summary>
    internal static void AddDots(double[] sums, int groups, int column, Tensor vectors, Tensor gradient)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var models = (int)vectors.shape[0];
        var flatGradient = gradient.to(ScalarType.Float64).reshape(1, -1);
        var dots = (vectors.to(ScalarType.Float64).reshape(models, -1) * flatGradient).sum(1).data<double>().ToArray();
        for (var i = 0; i < models; i++)
        {
            sums[(i * groups) + column] += dots[i];
        }
    }

    /// <summary>∂H/∂λ_ig = Σ_{k in g} ⟨∂H/∂θ_k, τ_ik⟩, summed in float64 in parameter order, [fine-tune, group] row-major.</summary>
    private static double[] LambdaGradient(List<(string name, Parameter parameter)> parameters, List<Tensor> vectors, int[] columns, int models, int groups)
    {
        var sums = new double[models * groups];
        for (var k = 0; k < parameters.Count; k++)
        {
            var gradient = parameters[k].parameter.grad ?? throw new InvalidOperationException($"the entropy does not depend on {parameters[k].name}");
            AddDots(sums, groups, columns[k], vectors[k], gradient);
        }

        return sums;
    }
}
