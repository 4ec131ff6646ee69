using System.Text.Json.Nodes;
using FusionCluster.Alignment.Permutations;
using FusionCluster.Alignment.Specs;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Alignment.Benchmarks;

/// <summary>
/// The models alignment is benchmarked on: an MLP and a llama at 7B widths (divided for smaller runs), with uniform
/// random float32 weights, and copies of them permuted at random by the same code aligned checkpoints are written
/// with, so a run can check that matching undid the permutations.
/// </summary>
public static class RandomAlignmentModels
{
    public const int LlamaHeadDim = 128;
    public const int LlamaVocab = 256;

    /// <summary>An MLP of layers.N.weight/bias with the given widths (input, hidden..., output).</summary>
    public static Dictionary<string, (long[] Shape, float[] Values)> Mlp(Random random, IReadOnlyList<int> widths)
    {
        var tensors = new Dictionary<string, (long[], float[])>(StringComparer.Ordinal);
        for (var layer = 0; layer + 1 < widths.Count; layer++)
        {
            tensors[$"layers.{layer}.weight"] = Tensor(random, [widths[layer + 1], widths[layer]]);
            tensors[$"layers.{layer}.bias"] = Tensor(random, [widths[layer + 1]]);
        }

        return tensors;
    }

    /// <summary>The config of a checkpoint <see cref="Mlp"/> made: what `fusion train` writes for its MLPs.</summary>
    public static JsonObject MlpConfig() => new() { ["model_type"] = "fusion-mnist-mlp" };

    /// <summary>
    /// A llama of <paramref name="blocks"/> blocks at 7B widths divided by <paramref name="divisor"/> (1, 2, 4 or 8):
    /// hidden 4096, FFN 11008, 32 heads with 8 KV heads at 1; head_dim stays 128, the vocabulary is small.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The divisor does not divide the head counts.</exception>
    public static (Dictionary<string, (long[] Shape, float[] Values)> Tensors, JsonObject Config) Llama(Random random, int blocks, int divisor)
    {
        if (divisor <= 0 || 8 % divisor != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(divisor), divisor, "expected 1, 2, 4 or 8");
        }

        int hidden = 4096 / divisor, ffn = 11008 / divisor, heads = 32 / divisor, kvHeads = 8 / divisor;
        var tensors = new Dictionary<string, (long[], float[])>(StringComparer.Ordinal)
        {
            ["model.embed_tokens.weight"] = Tensor(random, [LlamaVocab, hidden]),
            ["model.norm.weight"] = Tensor(random, [hidden]),
            ["lm_head.weight"] = Tensor(random, [LlamaVocab, hidden]),
        };
        for (var b = 0; b < blocks; b++)
        {
            var p = $"model.layers.{b}.";
            tensors[p + "input_layernorm.weight"] = Tensor(random, [hidden]);
            tensors[p + "post_attention_layernorm.weight"] = Tensor(random, [hidden]);
            tensors[p + "self_attn.q_proj.weight"] = Tensor(random, [heads * LlamaHeadDim, hidden]);
            tensors[p + "self_attn.k_proj.weight"] = Tensor(random, [kvHeads * LlamaHeadDim, hidden]);
            tensors[p + "self_attn.v_proj.weight"] = Tensor(random, [kvHeads * LlamaHeadDim, hidden]);
            tensors[p + "self_attn.o_proj.weight"] = Tensor(random, [hidden, heads * LlamaHeadDim]);
            tensors[p + "mlp.gate_proj.weight"] = Tensor(random, [ffn, hidden]);
            tensors[p + "mlp.up_proj.weight"] = Tensor(random, [ffn, hidden]);
            tensors[p + "mlp.down_proj.weight"] = Tensor(random, [hidden, ffn]);
        }

        var config = new JsonObject
        {
            ["model_type"] = "llama", ["architectures"] = new JsonArray("LlamaForCausalLM"), ["hidden_size"] = hidden, ["intermediate_size"] = ffn,
            ["num_attention_heads"] = heads, ["num_key_value_heads"] = kvHeads, ["head_dim"] = LlamaHeadDim, ["num_hidden_layers"] = blocks, ["vocab_size"] = LlamaVocab,
        };
        return (tensors, config);
    }

    /// <summary>Uniform random values in [−0.5, 0.5).</summary>
    public static (long[] Shape, float[] Values) Tensor(Random random, long[] shape)
    {
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.NextSingle() - 0.5f;
        }

        return (shape, values);
    }

    /// <summary>A uniformly random permutation of 0..size−1.</summary>
    public static int[] Shuffled(Random random, int size)
    {
        var permutation = Enumerable.Range(0, size).ToArray();
        random.Shuffle(permutation);
        return permutation;
    }

    /// <summary>
    /// Writes the model as <paramref name="folder"/>/reference and <paramref name="copies"/> randomly permuted copies
    /// as permuted-1, permuted-2, ...; returns each copy's permutations by group.
    /// </summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, int[]>> WriteWithPermutedCopies(
        string folder, Dictionary<string, (long[] Shape, float[] Values)> tensors, JsonObject config, Random random, int copies, CancellationToken cancellationToken)
    {
        var referenceFolder = Path.Combine(folder, "reference");
        Write(referenceFolder, tensors, config);
        using var reference = CheckpointFolder.Open(referenceFolder);
        var shapes = tensors.ToDictionary(t => t.Key, t => t.Value.Shape, StringComparer.Ordinal);
        var spec = PermutationSpecs.Resolve(config, shapes, null, referenceFolder);
        var applied = new List<IReadOnlyDictionary<string, int[]>>();
        for (var copy = 1; copy <= copies; copy++)
        {
            var permutations = spec.Groups.ToDictionary(g => g.Name, g => Shuffled(random, g.Size), StringComparer.Ordinal);
            PermutedCheckpointWriter.Write(reference, new PermutedTensorMap(spec, permutations), Path.Combine(folder, $"permuted-{copy}"), cancellationToken);
            applied.Add(permutations);
        }

        return applied;
    }

    /// <summary>A float32 checkpoint folder: model.safetensors (tensors in name order) and config.json.</summary>
    public static void Write(string folder, Dictionary<string, (long[] Shape, float[] Values)> tensors, JsonObject config)
    {
        Directory.CreateDirectory(folder);
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var layout = SafetensorsLayout.Compute(names.Select(n => new TensorDescriptor(n, DType.F32, tensors[n].Shape)).ToList());
        using (var writer = SafetensorsWriter.Create(Path.Combine(folder, CheckpointFolder.SingleFileName), layout))
        {
            foreach (var name in names)
            {
                writer.OpenSink(name).Write(0, tensors[name].Values);
            }
        }

        File.WriteAllText(Path.Combine(folder, CheckpointFolder.ConfigFileName), config.ToJsonString());
    }
}
