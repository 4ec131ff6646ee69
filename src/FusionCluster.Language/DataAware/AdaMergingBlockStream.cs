using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Language.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Language.DataAware;

/// <summary>
/// One AdaMerging step's ∂H/∂λ for llama checkpoints with one part of the merged model in memory at a time, by
/// gradient checkpointing over parts: the embeddings, each decoder block, the final norm with the head. A part is read
/// from the base's and every fine-tune's checkpoint, merged with the step's λ (θ0 + Σ λ τ, as
/// <see cref="LanguageAdaMerging.Learn"/> writes it) and run over every window of the step; only each part's input
/// activations stay (windows × (blocks + 1) × seq × hidden float32). Backward goes in reverse order: each part is read
/// again, its forward recomputed from the saved input and back-propagated from its output's gradient, and its group's
/// ∂H/∂λ_ig = Σ_k ⟨∂H/∂θ_k, τ_ik⟩ summed (float64, parameter order). Besides the activations, a part's base, task
/// vectors, merged weights and gradients ((3 + fine-tunes) copies of the largest part) are what it holds; every part is
/// read twice per step (the OS caches the files). With tied embeddings the embedding matrix, which the head also
/// uses, stays from the head's backward to the embeddings'. Runs on the CPU.
/// </summary>
internal sealed class AdaMergingBlockStream : IDisposable
{
    private readonly ICheckpoint baseCheckpoint;
    private readonly IReadOnlyList<ICheckpoint> fineTunes;
    private readonly PositionTables positions;
    private readonly float[] staging = LanguageModelCheckpoint.NewStaging();
    private readonly int groups;

    private AdaMergingBlockStream(ICheckpoint baseCheckpoint, IReadOnlyList<ICheckpoint> fineTunes, LanguageModelConfig config)
    {
        this.baseCheckpoint = baseCheckpoint;
        this.fineTunes = fineTunes;
        Config = config;
        positions = new PositionTables(config);
        groups = LanguageAdaMerging.Groups(config.NumHiddenLayers).Count;
    }

    /// <summary>The base's config: the merged model's architecture.</summary>
    public LanguageModelConfig Config { get; }

    private int Blocks => Config.NumHiddenLayers;

    private int HeadColumn => groups - 1;

    /// <summary>
    /// Checks every checkpoint's tensors against its config and every fine-tune's shapes against the base's, naming
    /// the model and tensor, before any weight is read.
    /// </summary>
    public static AdaMergingBlockStream Open(ICheckpoint baseCheckpoint, string baseName, IReadOnlyList<(ICheckpoint Checkpoint, string Name)> fineTunes)
    {
        var (config, where) = LanguageModelCheckpoint.ReadConfig(baseCheckpoint, baseName);
        var expected = LanguageModelCheckpoint.CheckTensors(config, baseCheckpoint, where, _ => where);
        foreach (var (checkpoint, name) in fineTunes)
        {
            var (own, ownWhere) = LanguageModelCheckpoint.ReadConfig(checkpoint, name);
            var ownExpected = LanguageModelCheckpoint.CheckTensors(own, checkpoint, ownWhere, _ => ownWhere);
            var shapes = ownExpected.ToDictionary(t => t.Name, t => t.Shape, StringComparer.Ordinal);
            foreach (var (tensorName, shape) in expected)
            {
                if (!shapes.TryGetValue(tensorName, out var ownShape) || !ownShape.SequenceEqual(shape))
                {
                    throw new LanguageModelException($"{ownWhere}: tensor '{tensorName}' is {(ownShape is null ? "missing" : $"[{string.Join(", ", ownShape)}]")}, base model '{baseName}' has [{string.Join(", ", shape)}]; adamerging adds task vectors of models shaped like the base");
                }
            }
        }

        return new AdaMergingBlockStream(baseCheckpoint, [.. fineTunes.Select(f => f.Checkpoint)], config);
    }

    /// <summary>
    /// ∂H/∂λ [fine-tune, group] (row-major, float64) at <paramref name="coefficients"/> (float32 [fine-tune, group]),
    /// H = Σ_i (Σ over fine-tune i's drawn windows of their entropy sums) / (their predictions).
    /// </summary>
    public async Task<double[]> GradientAsync(Tensor coefficients, IReadOnlyList<IReadOnlyList<int[]>> drawn, CancellationToken cancellationToken)
    {
        var windows = drawn.SelectMany((w, model) => w.Select(window => (Model: model, Window: window))).ToList();
        var divisors = drawn.Select(LanguageAdaMerging.Predictions).ToList();
        var ids = windows.Select(w => tensor(w.Window.Select(t => (long)t).ToArray(), [1, w.Window.Length])).ToList();

        // inputs[p][j]: window j's input to block p (p = Blocks: to the final norm); gradients[j]: ∂H/∂ of the current part's output.
        var inputs = new Tensor?[Blocks + 1][];
        var gradients = new Tensor?[windows.Count];
        var sums = new double[fineTunes.Count * groups];
        var embeddings = new EmbeddingTable(Config.VocabSize, Config.HiddenSize, CPU);
        var embeddingVectors = new List<Tensor>();
        try
        {
            embeddingVectors = await LoadMergedAsync(embeddings, "model.embed_tokens", coefficients, 0, cancellationToken);
            inputs[0] = [.. ids.Select(i => Detached(() => EmbeddingTable.Lookup(embeddings.Weight, i)))];
            if (!Config.TieWordEmbeddings)
            {
                Free(embeddingVectors);
                embeddings.Dispose();
            }

            for (var block = 0; block < Blocks; block++)
            {
                Beat(cancellationToken);
                using var layer = new LlamaDecoderLayer(LanguageModelBlocks.Prefix(block), Config, CPU);
                Free(await LoadMergedAsync(layer, LanguageModelBlocks.Prefix(block), coefficients, block + 1, cancellationToken));
                inputs[block + 1] = [.. inputs[block].Select(x => Detached(() => Forward(layer, x!)))];
            }

            Beat(cancellationToken);
            await HeadBackwardAsync(windows, divisors, inputs[Blocks], gradients, embeddings, coefficients, sums, cancellationToken);
            for (var block = Blocks - 1; block >= 0; block--)
            {
                Beat(cancellationToken);
                using var layer = new LlamaDecoderLayer(LanguageModelBlocks.Prefix(block), Config, CPU);
                var vectors = await LoadMergedAsync(layer, LanguageModelBlocks.Prefix(block), coefficients, block + 1, cancellationToken);
                try
                {
                    Backward(inputs[block], gradients, x => Forward(layer, x));
                    AddDots(layer, vectors, block + 1, sums);
                }
                finally
                {
                    Free(vectors);
                }
            }

            Beat(cancellationToken);
            if (!Config.TieWordEmbeddings)
            {
                embeddings = new EmbeddingTable(Config.VocabSize, Config.HiddenSize, CPU);
                embeddingVectors = await LoadMergedAsync(embeddings, "model.embed_tokens", coefficients, 0, cancellationToken);
            }

            for (var j = 0; j < windows.Count; j++)
            {
                using var scope = NewDisposeScope();
                autograd.backward([EmbeddingTable.Lookup(embeddings.Weight, ids[j])], [gradients[j]!]);
            }

            AddDots(embeddings, embeddingVectors, 0, sums);
            return sums;
        }
        finally
        {
            Free(embeddingVectors);
            embeddings.Dispose();
            foreach (var tensor in inputs.Where(p => p is not null).SelectMany(p => p!).Concat(gradients).Concat(ids))
            {
                tensor?.Dispose();
            }

            divisors.ForEach(d => d.Dispose());
        }
    }

    public void Dispose() => positions.Dispose();

    private static void Beat(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Each part of each step is progress of the coefficients unit (the worker's stall rule).
        UnitProgress.Beat();
    }

    /// <summary>Runs <paramref name="compute"/> without gradient and keeps its result outside any dispose scope.</summary>
    private static Tensor Detached(Func<Tensor> compute)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return compute().DetachFromDisposeScope();
    }

    private static void Free(List<Tensor> tensors)
    {
        tensors.ForEach(t => t.Dispose());
        tensors.Clear();
    }

    private Tensor Forward(LlamaDecoderLayer layer, Tensor hidden)
    {
        var (cos, sin, mask) = positions.Of(hidden.shape[1]);
        return layer.Forward(hidden, cos, sin, mask, null);
    }

    /// <summary>
    /// Final norm and head: each window's entropy sum over its fine-tune's predictions, back-propagated to the head's
    /// parameters and to the window's input, whose gradient replaces it in <paramref name="gradients"/>.
    /// </summary>
    private async Task HeadBackwardAsync(
        List<(int Model, int[] Window)> windows, List<Scalar> divisors, Tensor?[] finalInputs, Tensor?[] gradients, EmbeddingTable embeddings, Tensor coefficients, double[] sums, CancellationToken cancellationToken)
    {
        using var norm = new RmsNorm("model.norm", Config.HiddenSize, Config.RmsNormEps, CPU);
        var vectors = await LoadMergedAsync(norm, "model.norm", coefficients, HeadColumn, cancellationToken);
        using var head = Config.TieWordEmbeddings ? null : new LinearProjection("lm_head", Config.HiddenSize, Config.VocabSize, hasBias: false, CPU);
        try
        {
            if (head is not null)
            {
                vectors.AddRange(await LoadMergedAsync(head, "lm_head", coefficients, HeadColumn, cancellationToken));
            }

            for (var j = 0; j < windows.Count; j++)
            {
                using var scope = NewDisposeScope();
                var x = finalInputs[j]!.detach().requires_grad_(true);
                var hidden = norm.Forward(x);
                var logits = head is null ? nn.functional.linear(hidden, embeddings.Weight) : head.Forward(hidden, null);
                LanguageAdaMerging.EntropySum(logits).div(divisors[windows[j].Model]).backward();
                gradients[j] = InputGradient(x);
            }

            // The whole model's parameter order: model.norm.weight, then lm_head.weight.
            AddDots(norm, vectors[..1], HeadColumn, sums);
            if (head is not null)
            {
                AddDots(head, vectors[1..], HeadColumn, sums);
            }
        }
        finally
        {
            Free(vectors);
        }
    }

    /// <summary>For each window: <paramref name="forward"/> recomputed from its saved input, back-propagated from its output's gradient; the input's gradient replaces that.</summary>
    private static void Backward(Tensor?[] savedInputs, Tensor?[] gradients, Func<Tensor, Tensor> forward)
    {
        for (var j = 0; j < gradients.Length; j++)
        {
            using var scope = NewDisposeScope();
            var x = savedInputs[j]!.detach().requires_grad_(true);
            autograd.backward([forward(x)], [gradients[j]!]);
            gradients[j]!.Dispose();
            gradients[j] = InputGradient(x);
            savedInputs[j]!.Dispose();
            savedInputs[j] = null;
        }
    }

    private static Tensor InputGradient(Tensor x) =>
        (x.grad ?? throw new InvalidOperationException("the entropy does not depend on a part's input")).detach().clone().DetachFromDisposeScope();

    /// <summary>Adds every parameter's ⟨∂H/∂θ, τ_i⟩ to its group's column, in the module's parameter order.</summary>
    private void AddDots(nn.Module module, List<Tensor> vectors, int column, double[] sums)
    {
        var parameters = module.named_parameters().ToList();
        for (var k = 0; k < parameters.Count; k++)
        {
            var gradient = parameters[k].parameter.grad ?? throw new InvalidOperationException($"the entropy does not depend on {parameters[k].name}");
            LanguageAdaMerging.AddDots(sums, groups, column, vectors[k], gradient);
        }
    }

    /// <summary>
    /// Fills <paramref name="module"/>'s parameters (named <paramref name="prefix"/>.name in the checkpoints) with the
    /// merge at <paramref name="column"/>'s λ, ready for gradients; returns each parameter's stacked task vectors.
    /// </summary>
    private async Task<List<Tensor>> LoadMergedAsync(nn.Module module, string prefix, Tensor coefficients, int column, CancellationToken cancellationToken)
    {
        var vectors = new List<Tensor>();
        try
        {
            foreach (var (name, parameter) in module.named_parameters())
            {
                var stored = $"{prefix}.{name}";
                using var pretrained = empty(parameter.shape, ScalarType.Float32, CPU);
                await LanguageModelCheckpoint.CopyAsync(baseCheckpoint, stored, pretrained, staging, cancellationToken);
                var tunes = new List<Tensor>();
                try
                {
                    foreach (var fineTune in fineTunes)
                    {
                        tunes.Add(empty(parameter.shape, ScalarType.Float32, CPU));
                        await LanguageModelCheckpoint.CopyAsync(fineTune, stored, tunes[^1], staging, cancellationToken);
                    }

                    vectors.Add(LanguageAdaMerging.TaskVectors(tunes, pretrained));
                }
                finally
                {
                    tunes.ForEach(t => t.Dispose());
                }

                LanguageAdaMerging.WriteMerged(parameter, pretrained, vectors[^1], coefficients, column);
                parameter.requires_grad = true;
            }

            return vectors;
        }
        catch
        {
            Free(vectors);
            throw;
        }
    }
}
