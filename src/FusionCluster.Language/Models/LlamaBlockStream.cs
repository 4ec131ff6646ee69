using FusionCluster.Core.Methods;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using TorchSharp;
using static TorchSharp.torch;

namespace FusionCluster.Language.Models;

/// <summary>
/// A llama's forward pass over a fixed list of token batches, one part of the model at a time, with only that
/// part's weights in memory: <see cref="StartAsync"/> reads the embeddings, looks every batch up and releases them;
/// then each decoder block is read from the checkpoint (<see cref="LoadAsync"/>), run over every batch
/// (<see cref="Run"/>) and released before the next; the final norm comes last (the LM head itself is never needed:
/// callers want its input). Between parts the hidden states of all batches stay (batches × seq × hidden float32),
/// instead of the whole float32 model <see cref="LlamaForCausalLM"/> holds. Each batch goes through the same modules
/// and operations in the same order as <see cref="LlamaForCausalLM.Forward"/>, so every activation a capture sees
/// is bit for bit the one the whole model shows. Runs on the CPU. A <see cref="TensorSubstitute"/> can give some
/// parameters from elsewhere (RegMean++ runs a model's text through merged earlier blocks).
/// </summary>
public sealed class LlamaBlockStream : IDisposable
{
    private readonly ICheckpoint checkpoint;
    private readonly TensorSubstitute? substitute;
    private readonly string where;
    private readonly Tensor[] hidden;
    private readonly int[] blocksRun;
    private readonly PositionTables positions;
    private readonly float[] staging = LanguageModelCheckpoint.NewStaging();
    private nn.Module? loaded;
    private int loadedPart = -1;

    private LlamaBlockStream(ICheckpoint checkpoint, LanguageModelConfig config, string where, int batches, TensorSubstitute? substitute)
    {
        this.checkpoint = checkpoint;
        this.substitute = substitute;
        this.where = where;
        Config = config;
        positions = new PositionTables(config);
        hidden = new Tensor[batches];
        blocksRun = new int[batches];
    }

    public LanguageModelConfig Config { get; }

    /// <summary>The part <see cref="LoadAsync"/> takes for the final norm (parts below it are decoder blocks).</summary>
    public int FinalNormPart => Config.NumHiddenLayers;

    /// <summary>How many blocks every batch has run through.</summary>
    public int BlocksRun => blocksRun.Min();

    /// <summary>The number of batches.</summary>
    public int Batches => hidden.Length;

    /// <summary>
    /// Checks the checkpoint's tensors as <see cref="LanguageModelCheckpoint.LoadAsync"/> does (every error before any
    /// work), then embeds <paramref name="batches"/> (input ids [batch, seq] each), holding only the embedding matrix
    /// while it does; <paramref name="model"/> names the model in errors.
    /// </summary>
    public static Task<LlamaBlockStream> StartAsync(ICheckpoint checkpoint, string model, IReadOnlyList<Tensor> batches, CancellationToken cancellationToken = default) =>
        StartAsync(checkpoint, model, batches, null, cancellationToken);

    /// <summary>
    /// As <see cref="StartAsync(ICheckpoint, string, IReadOnlyList{Tensor}, CancellationToken)"/>, with the parameters
    /// <paramref name="substitute"/> gives (by full tensor name, shaped as stored) read from it instead of the checkpoint.
    /// </summary>
    public static async Task<LlamaBlockStream> StartAsync(ICheckpoint checkpoint, string model, IReadOnlyList<Tensor> batches, TensorSubstitute? substitute, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(batches);
        var (config, where) = LanguageModelCheckpoint.ReadConfig(checkpoint, model);
        LanguageModelCheckpoint.CheckTensors(config, checkpoint, where, _ => where);
        var stream = new LlamaBlockStream(checkpoint, config, where, batches.Count, substitute);
        try
        {
            using var table = new EmbeddingTable(config.VocabSize, config.HiddenSize, CPU);
            await stream.ReadAsync("model.embed_tokens.weight", table.Weight, cancellationToken);
            using var noGrad = no_grad();
            for (var i = 0; i < batches.Count; i++)
            {
                if (batches[i].dim() != 2)
                {
                    throw new ArgumentException($"input ids must be [batch, seq], not [{string.Join(", ", batches[i].shape)}]", nameof(batches));
                }

                using var scope = NewDisposeScope();
                var ids = batches[i].to(ScalarType.Int64, CPU);
                stream.hidden[i] = EmbeddingTable.Lookup(table.Weight, ids).DetachFromDisposeScope();
            }

            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Releases the part held and reads <paramref name="part"/>: decoder block <paramref name="part"/>, or the final
    /// norm for <see cref="FinalNormPart"/>.
    /// </summary>
    public async Task LoadAsync(int part, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(part);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(part, FinalNormPart);
        Release();
        var prefix = part == FinalNormPart ? "model.norm" : LanguageModelBlocks.Prefix(part);
        nn.Module module = part == FinalNormPart
            ? new RmsNorm(prefix, Config.HiddenSize, Config.RmsNormEps, CPU)
            : new LlamaDecoderLayer(prefix, Config, CPU);
        try
        {
            foreach (var (name, parameter) in module.named_parameters())
            {
                await ReadAsync($"{prefix}.{name}", parameter, cancellationToken);
            }

            module.eval();
        }
        catch
        {
            module.Dispose();
            throw;
        }

        loaded = module;
        loadedPart = part;
    }

    /// <summary>
    /// Runs the loaded part on batch <paramref name="batch"/>, which must have run through every block before it. A
    /// block's output replaces the batch's hidden states and goes to <paramref name="capture"/>'s HiddenState (its
    /// linear layers' inputs to LinearInput); the final norm's output goes to LinearInput as <c>lm_head</c>'s input.
    /// </summary>
    public void Run(int batch, ActivationCapture? capture)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(batch, hidden.Length);
        if (loaded is null)
        {
            throw new InvalidOperationException($"{where}: no part of the model is loaded");
        }

        if (blocksRun[batch] != loadedPart)
        {
            throw new InvalidOperationException($"{where}: batch {batch} has run through {blocksRun[batch]} blocks, so part {loadedPart} cannot run on it");
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = hidden[batch];
        if (loaded is RmsNorm norm)
        {
            capture?.LinearInput?.Invoke("lm_head", norm.Forward(x));
            return;
        }

        var (cos, sin, mask) = positions.Of(x.shape[1]);
        var output = ((LlamaDecoderLayer)loaded).Forward(x, cos, sin, mask, capture);
        capture?.HiddenState?.Invoke(loadedPart, output);
        hidden[batch] = output.DetachFromDisposeScope();
        x.Dispose();
        blocksRun[batch]++;
    }

    /// <summary>Fills <paramref name="parameter"/> with the substitute's values of <paramref name="name"/>, or else the checkpoint's.</summary>
    private async Task ReadAsync(string name, Tensor parameter, CancellationToken cancellationToken)
    {
        if (substitute is null || await substitute(name, cancellationToken) is not { } replaced)
        {
            await LanguageModelCheckpoint.CopyAsync(checkpoint, name, parameter, staging, cancellationToken);
            return;
        }

        if (!replaced.Shape.SequenceEqual(parameter.shape))
        {
            throw new LanguageModelException($"{where}: the substitute of tensor '{name}' is [{string.Join(", ", replaced.Shape)}], the model's [{string.Join(", ", parameter.shape)}]");
        }

        LanguageModelCheckpoint.Copy(replaced, parameter, staging);
    }

    /// <summary>Frees the loaded part's weights.</summary>
    public void Release()
    {
        loaded?.Dispose();
        loaded = null;
        loadedPart = -1;
    }

    public void Dispose()
    {
        Release();
        foreach (var state in hidden)
        {
            state?.Dispose();
        }

        positions.Dispose();
    }
}
