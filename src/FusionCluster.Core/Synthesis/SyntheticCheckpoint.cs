using System.Buffers;
using System.Text.Json.Nodes;
using FusionCluster.Core.Formats;
using FusionCluster.Core.Planning;
using FusionCluster.Core.Tensors;

namespace FusionCluster.Core.Synthesis;

/// <summary>
/// Writes Llama-shaped Hugging Face checkpoints with deterministic pseudo-random weights, for tests,
/// demos and benchmarks. A fine-tune variant is the base plus small deltas, as real fine-tunes are.
/// Every value depends only on (seed, tensor name, element index), so any chunk can be generated alone.
/// </summary>
public static class SyntheticCheckpoint
{
    private const int Chunk = 1 << 20;

    /// <param name="folder">Output folder (created).</param>
    /// <param name="shape">Model dimensions.</param>
    /// <param name="dtype">F32, F16 or BF16.</param>
    /// <param name="baseSeed">Seed of the shared base weights.</param>
    /// <param name="variant">0 for the base itself; k &gt; 0 for the k-th fine-tune (base + deltas).</param>
    /// <param name="deltaScale">Size of a fine-tune's deltas relative to the base weights' scale.</param>
    /// <param name="shardBytes">Largest shard.</param>
    /// <param name="cancellationToken">Checked before each tensor and each of its chunks.</param>
    public static void Write(string folder, SyntheticModelShape shape, DType dtype, ulong baseSeed, int variant, double deltaScale = 0.1, long shardBytes = 2_000_000_000, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(folder);
        var tensors = Tensors(shape, dtype);
        var layout = OutputLayout.Lay(tensors, shardBytes);
        var (shards, placement) = (layout.Shards, layout.Placement);
        var handles = shards.Select(s =>
        {
            var path = Path.Combine(folder, s.FileName);
            SafetensorsWriter.CreatePresized(path, s.Header, s.FileLength);
            return File.OpenHandle(path, FileMode.Open, FileAccess.Write);
        }).ToList();
        try
        {
            foreach (var tensor in tensors)
            {
                var (shard, offset) = placement[tensor.Name];
                var isNorm = tensor.Shape.Length == 1;
                var scale = isNorm ? 0.05f : 0.02f;
                var count = tensor.ElementCount;
                var chunks = (int)((count + Chunk - 1) / Chunk);
                cancellationToken.ThrowIfCancellationRequested();
                Parallel.For(0, chunks, new ParallelOptions { CancellationToken = cancellationToken }, c =>
                {
                    var start = (long)c * Chunk;
                    var length = (int)Math.Min(Chunk, count - start);
                    var values = ArrayPool<float>.Shared.Rent(length);
                    var bytes = ArrayPool<byte>.Shared.Rent(length * dtype.ElementSize());
                    try
                    {
                        Fill(values.AsSpan(0, length), tensor.Name, start, baseSeed, variant, scale, (float)deltaScale, isNorm);
                        var encoded = bytes.AsSpan(0, length * dtype.ElementSize());
                        DTypeCodec.Encode(dtype, values.AsSpan(0, length), encoded);
                        RandomAccess.Write(handles[shard], encoded, offset + start * dtype.ElementSize());
                    }
                    finally
                    {
                        ArrayPool<float>.Shared.Return(values);
                        ArrayPool<byte>.Shared.Return(bytes);
                    }
                });
            }
        }
        finally
        {
            handles.ForEach(h => h.Dispose());
        }

        if (layout.IndexJson is not null)
        {
            File.WriteAllText(Path.Combine(folder, CheckpointFolder.IndexFileName), layout.IndexJson);
        }

        File.WriteAllText(Path.Combine(folder, "config.json"), ConfigJson(shape, dtype));
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{"model_max_length": 2048, "bos_token": "<s>", "eos_token": "</s>", "tokenizer_class": "LlamaTokenizer"}""");
        File.WriteAllText(Path.Combine(folder, "special_tokens_map.json"), """{"bos_token": "<s>", "eos_token": "</s>"}""");
    }

    public static List<TensorDescriptor> Tensors(SyntheticModelShape shape, DType dtype)
    {
        long h = shape.Hidden, i = shape.Intermediate;
        var list = new List<TensorDescriptor> { new("model.embed_tokens.weight", dtype, [shape.Vocab, h]) };
        for (var layer = 0; layer < shape.Layers; layer++)
        {
            var p = $"model.layers.{layer}.";
            list.Add(new(p + "input_layernorm.weight", dtype, [h]));
            list.Add(new(p + "self_attn.q_proj.weight", dtype, [h, h]));
            list.Add(new(p + "self_attn.k_proj.weight", dtype, [h, h]));
            list.Add(new(p + "self_attn.v_proj.weight", dtype, [h, h]));
            list.Add(new(p + "self_attn.o_proj.weight", dtype, [h, h]));
            list.Add(new(p + "post_attention_layernorm.weight", dtype, [h]));
            list.Add(new(p + "mlp.gate_proj.weight", dtype, [i, h]));
            list.Add(new(p + "mlp.up_proj.weight", dtype, [i, h]));
            list.Add(new(p + "mlp.down_proj.weight", dtype, [h, i]));
        }

        list.Add(new("model.norm.weight", dtype, [h]));
        list.Add(new("lm_head.weight", dtype, [shape.Vocab, h]));
        return list;
    }

    private static void Fill(Span<float> values, string tensor, long start, ulong baseSeed, int variant, float scale, float deltaScale, bool isNorm)
    {
        var baseKey = TensorSeed.For(baseSeed, tensor);
        var deltaKey = TensorSeed.For(baseSeed ^ (0x9E3779B97F4A7C15UL * (ulong)variant), tensor);
        for (var k = 0; k < values.Length; k++)
        {
            var index = (ulong)(start + k);
            var w = Symmetric(Mix(baseKey + index)) * scale;
            if (isNorm)
            {
                w += 1f;
            }

            if (variant > 0)
            {
                w += Symmetric(Mix(deltaKey + index)) * scale * deltaScale;
            }

            values[k] = w;
        }
    }

    /// <summary>Two uniforms from one 64-bit hash, summed: a cheap bell shape on (-1, 1).</summary>
    private static float Symmetric(ulong bits) =>
        ((bits >> 40) * (1f / (1 << 24))) + (((bits >> 16) & 0xFFFFFF) * (1f / (1 << 24))) - 1f;

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }

    /// <summary>The config.json text of a synthetic checkpoint of this shape and dtype.</summary>
    public static string ConfigJson(SyntheticModelShape shape, DType dtype) => Config(shape, dtype).ToJsonString(new() { WriteIndented = true });

    private static JsonObject Config(SyntheticModelShape shape, DType dtype) => new()
    {
        ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["model_type"] = "llama",
        ["hidden_size"] = shape.Hidden,
        ["intermediate_size"] = shape.Intermediate,
        ["num_hidden_layers"] = shape.Layers,
        ["num_attention_heads"] = shape.Heads,
        ["num_key_value_heads"] = shape.Heads,
        ["vocab_size"] = shape.Vocab,
        ["max_position_embeddings"] = 2048,
        ["rms_norm_eps"] = 1e-5,
        ["hidden_act"] = "silu",
        ["tie_word_embeddings"] = false,
        ["torch_dtype"] = dtype switch { DType.BF16 => "bfloat16", DType.F16 => "float16", _ => "float32" },
    };
}
