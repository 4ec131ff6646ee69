using System.Security.Cryptography;
using System.Text;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Storage;
using FusionCluster.Evaluation.MultiTask;
using FusionCluster.Language.Models;
using static TorchSharp.torch;

namespace FusionCluster.Language.DataAware;

/// <summary>
/// RegMean's statistics of a llama-family model on its own text, one decoder block at a time: the Gram matrix
/// X^T X / n of each linear layer's input over every token position of the windows. Layers that read the same input
/// share one matrix (q/k/v_proj read the attention's normed input, gate/up_proj the MLP's), stored under each of
/// their weights' names; o_proj and down_proj have their own, and the last block's unit also lm_head's (the final
/// norm's output) when the checkpoint has an untied lm_head. Embeddings and norms have none: RegMean averages them.
/// Sums are float64 and a unit holds only its block's: 3·hidden² + intermediate² doubles (+ hidden² for lm_head),
/// at 7B widths (4096, 11008) 1.37 GB, next to the model itself (<see cref="Compute"/>) or one block of it and the windows'
/// hidden states (<see cref="ComputeStreamedAsync"/>, what jobs run).
/// </summary>
public static class LanguageGrams
{
    /// <summary>Windows per forward pass: bounds the activations alive at once.</summary>
    private const int WindowsPerBatch = 8;

    /// <summary>
    /// The Gram matrices of block <paramref name="block"/>'s linear layers (and lm_head's for the last block), keyed by
    /// weight name, for the weights among <paramref name="tensorNames"/>; float32, computed from float64 sums.
    /// </summary>
    public static NamedTensors Compute(LlamaForCausalLM model, IReadOnlyList<int[]> windows, int block, IReadOnlyCollection<string> tensorNames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(tensorNames);
        var blocks = model.Config.NumHiddenLayers;
        ArgumentOutOfRangeException.ThrowIfNegative(block);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(block, blocks);
        if (windows.Count == 0)
        {
            throw new ArgumentException("no token windows to compute Gram matrices on", nameof(windows));
        }

        var names = tensorNames.ToHashSet(StringComparer.Ordinal);
        var sites = Sites(block, blocks, names);
        var sums = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        long tokens = 0;
        try
        {
            using var noGrad = no_grad();
            for (var first = 0; first < windows.Count; first += WindowsPerBatch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Each batch is progress of the statistics unit (the worker's stall rule).
                UnitProgress.Beat();
                var batch = windows.Skip(first).Take(WindowsPerBatch).ToList();
                tokens += Accumulate(model, batch, block, sites, sums);
            }

            return Means(sites, sums, tokens);
        }
        finally
        {
            foreach (var sum in sums.Values)
            {
                sum.Dispose();
            }
        }
    }

    /// <summary>
    /// What <see cref="Compute"/> gives, bit for bit, with only one part of the model in memory at a time
    /// (<see cref="LlamaBlockStream"/>): the embeddings, then blocks 0 to <paramref name="block"/> one by one over every
    /// batch of windows, then (for lm_head's matrix) the final norm. Between blocks it holds the hidden states of all
    /// windows (windows × context × hidden float32) instead of the whole float32 model. Each site's sums add the same
    /// batches in the same order as <see cref="Compute"/>'s.
    /// </summary>
    public static Task<NamedTensors> ComputeStreamedAsync(ICheckpoint checkpoint, string model, IReadOnlyList<int[]> windows, int block, IReadOnlyCollection<string> tensorNames, CancellationToken cancellationToken = default) =>
        ComputeStreamedAsync(checkpoint, model, windows, block, tensorNames, null, cancellationToken);

    /// <summary>
    /// As <see cref="ComputeStreamedAsync(ICheckpoint, string, IReadOnlyList{int[]}, int, IReadOnlyCollection{string}, CancellationToken)"/>,
    /// with the parameters <paramref name="substitute"/> gives used instead of the model's (RegMean++: the merged
    /// embeddings and blocks before <paramref name="block"/>, <see cref="RegMeanPlusPlusPrefix"/>).
    /// </summary>
    public static async Task<NamedTensors> ComputeStreamedAsync(
        ICheckpoint checkpoint, string model, IReadOnlyList<int[]> windows, int block, IReadOnlyCollection<string> tensorNames, TensorSubstitute? substitute, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(tensorNames);
        var (config, _) = LanguageModelCheckpoint.ReadConfig(checkpoint, model);
        var blocks = config.NumHiddenLayers;
        ArgumentOutOfRangeException.ThrowIfNegative(block);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(block, blocks);
        if (windows.Count == 0)
        {
            throw new ArgumentException("no token windows to compute Gram matrices on", nameof(windows));
        }

        var sites = Sites(block, blocks, tensorNames.ToHashSet(StringComparer.Ordinal));
        var wanted = sites.Select(s => s.Site).ToHashSet(StringComparer.Ordinal);
        var batches = new List<Tensor>();
        var sums = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            long tokens = 0;
            for (var first = 0; first < windows.Count; first += WindowsPerBatch)
            {
                var batch = Batch([.. windows.Skip(first).Take(WindowsPerBatch)]);
                batches.Add(batch);
                tokens += batch.shape[0] * batch.shape[1];
            }

            using var stream = await LlamaBlockStream.StartAsync(checkpoint, model, batches, substitute, cancellationToken);
            var capture = new ActivationCapture { LinearInput = (site, x) => AddProduct(wanted, sums, site, x) };
            var last = wanted.Contains("lm_head") ? stream.FinalNormPart : block;
            for (var part = 0; part <= last; part++)
            {
                await stream.LoadAsync(part, cancellationToken);
                for (var b = 0; b < batches.Count; b++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // Each batch through each block is progress of the statistics unit (the worker's stall rule).
                    UnitProgress.Beat();
                    stream.Run(b, part >= block ? capture : null);
                }

                stream.Release();
            }

            return Means(sites, sums, tokens);
        }
        finally
        {
            foreach (var tensor in sums.Values.Concat(batches))
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>
    /// <see cref="Fingerprint"/> of the model stored in <paramref name="checkpoint"/>, read one tensor (and staging
    /// chunk) at a time instead of from a loaded model.
    /// </summary>
    public static async Task<string> FingerprintAsync(ICheckpoint checkpoint, string model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var (config, where) = LanguageModelCheckpoint.ReadConfig(checkpoint, model);
        var expected = LanguageModelCheckpoint.CheckTensors(config, checkpoint, where, _ => where);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var staging = LanguageModelCheckpoint.NewStaging();
        foreach (var (name, shape) in expected.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{name}[{string.Join(',', shape)}]\n"));
            using var source = await checkpoint.OpenTensorAsync(name, cancellationToken);
            var count = source.Entry.ElementCount;
            for (long start = 0; start < count; start += staging.Length)
            {
                var length = (int)Math.Min(staging.Length, count - start);
                source.Read(start, staging.AsSpan(0, length));
                sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(staging.AsSpan(0, length)));
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>A SHA-256 over the model's parameters (names, shapes, float32 values): what its statistics depend on besides the tokens.</summary>
    public static string Fingerprint(LlamaForCausalLM model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, parameter) in model.named_parameters().OrderBy(p => p.name, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{name}[{string.Join(',', parameter.shape)}]\n"));
            using var scope = NewDisposeScope();
            var values = parameter.detach().to(ScalarType.Float32, CPU).contiguous();
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.data<float>().ToArray().AsSpan()));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>A SHA-256 over the windows' token ids: the text as this model's tokenizer, the context and the sample count make them.</summary>
    public static string WindowsHash(IReadOnlyList<int[]> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var window in windows)
        {
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(window.AsSpan()));
            sha.AppendData("\n"u8);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Per captured input (the module name ActivationCapture reports), the linear layers reading it, first the one it is captured at.</summary>
    internal static IReadOnlyList<(string Site, IReadOnlyList<string> Sharers)> Sites(int block, int blocks, IReadOnlySet<string> tensorNames)
    {
        var prefix = LanguageModelBlocks.Prefix(block);
        List<string[]> groups =
        [
            [$"{prefix}.self_attn.q_proj", $"{prefix}.self_attn.k_proj", $"{prefix}.self_attn.v_proj"],
            [$"{prefix}.self_attn.o_proj"],
            [$"{prefix}.mlp.gate_proj", $"{prefix}.mlp.up_proj"],
            [$"{prefix}.mlp.down_proj"],
        ];
        if (block == blocks - 1)
        {
            groups.Add(["lm_head"]);
        }

        var sites = new List<(string, IReadOnlyList<string>)>();
        foreach (var group in groups)
        {
            var present = group.Where(n => tensorNames.Contains($"{n}.weight")).ToList();
            if (present.Count > 0)
            {
                sites.Add((group[0], present));
            }
        }

        return sites;
    }

    /// <summary>One forward pass over the batch, adding each site's X^T X to its sum; returns the batch's token positions.</summary>
    private static long Accumulate(LlamaForCausalLM model, List<int[]> batch, int block, IReadOnlyList<(string Site, IReadOnlyList<string> Sharers)> sites, Dictionary<string, Tensor> sums)
    {
        var wanted = sites.Select(s => s.Site).ToHashSet(StringComparer.Ordinal);
        var needsHead = wanted.Contains("lm_head");

        // Later blocks cannot change this block's inputs: the pass stops after the block unless lm_head's input is wanted.
        void AfterBlock(int index, Tensor hidden)
        {
            if (index == block && !needsHead)
            {
                throw new BlockReached();
            }
        }

        using var input = Batch(batch);
        try
        {
            using var logits = model.Forward(input, new ActivationCapture { LinearInput = (site, x) => AddProduct(wanted, sums, site, x), HiddenState = AfterBlock });
        }
        catch (BlockReached)
        {
            // The block's inputs are all seen.
        }

        return input.shape[0] * input.shape[1];
    }

    /// <summary>The windows as input ids [windows, shortest window's length].</summary>
    private static Tensor Batch(List<int[]> batch)
    {
        var length = batch.Min(w => w.Length);
        var flat = new long[batch.Count * length];
        for (var w = 0; w < batch.Count; w++)
        {
            for (var t = 0; t < length; t++)
            {
                flat[(w * length) + t] = batch[w][t];
            }
        }

        return tensor(flat, [batch.Count, length]);
    }

    /// <summary>Adds X^T X of a wanted site's input to its float64 sum.</summary>
    private static void AddProduct(IReadOnlySet<string> wanted, Dictionary<string, Tensor> sums, string site, Tensor x)
    {
        if (!wanted.Contains(site))
        {
            return;
        }

        using var scope = NewDisposeScope();
        var rows = x.detach().reshape(-1, x.shape[^1]).to(ScalarType.Float64, CPU);
        var product = rows.t().matmul(rows);
        if (sums.TryGetValue(site, out var sum))
        {
            sum.add_(product);
        }
        else
        {
            sums[site] = product.DetachFromDisposeScope();
        }
    }

    /// <summary>Each site's mean Gram matrix (float32 from the float64 sums over <paramref name="tokens"/> positions), under every sharer's weight name.</summary>
    private static NamedTensors Means(IReadOnlyList<(string Site, IReadOnlyList<string> Sharers)> sites, Dictionary<string, Tensor> sums, long tokens)
    {
        var grams = new NamedTensors();
        foreach (var (site, sharers) in sites)
        {
            var sum = sums.GetValueOrDefault(site) ?? throw new InvalidOperationException($"the forward pass showed no input of {site}");
            using var mean = sum.div(tokens);
            var gram = mean.to(ScalarType.Float32);
            grams.Add($"{sharers[0]}.weight", gram);
            foreach (var sharer in sharers.Skip(1))
            {
                grams.Add($"{sharer}.weight", gram.alias());
            }
        }

        return grams;
    }

    /// <summary>Ends a forward pass early: ActivationCapture has no other way to stop one, and the rest would be wasted work.</summary>
    private sealed class BlockReached : Exception
    {
        public BlockReached()
            : base("the statistics' block has been reached")
        {
        }
    }
}
