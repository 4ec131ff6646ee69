using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace FusionCluster.TestSupport;

/// <summary>
/// Writes tiny one-layer Llama-shaped checkpoints with a hand-written BPE tokenizer.json, for tokenizer union
/// tests. Every embedding and LM-head value is a formula of (model, row, column), so a test can compute the
/// merged rows it expects by hand.
/// </summary>
public static class TinyTokenizerCheckpoint
{
    public const int Hidden = 2;

    public static readonly IReadOnlyList<string> SpecialTokens = ["<unk>", "<s>", "</s>"];

    /// <summary>Row <paramref name="row"/>, column <paramref name="col"/> of model <paramref name="model"/>'s token embeddings.</summary>
    public static float Embedding(int model, int row, int col) => (100 * model) + (10 * row) + col + 1;

    /// <summary>The same for its LM head.</summary>
    public static float Head(int model, int row, int col) => -Embedding(model, row, col) - 0.5f;

    /// <summary>Writes the checkpoint.</summary>
    /// <param name="folder">Created if needed.</param>
    /// <param name="model">Selects the weights (see <see cref="Embedding"/>).</param>
    /// <param name="vocabulary">model.vocab, by id; the first three are the special tokens.</param>
    /// <param name="addedTokens">Added tokens past the vocabulary (id, text, special), besides the three special ones.</param>
    /// <param name="rows">Embedding rows; defaults to the number of tokens.</param>
    /// <param name="tokenizerJson">False leaves tokenizer.json out and writes a tokenizer.model instead.</param>
    public static string Write(string folder, int model, IReadOnlyList<string> vocabulary, IReadOnlyList<(int Id, string Content, bool Special)>? addedTokens = null, int? rows = null, bool tokenizerJson = true)
    {
        Directory.CreateDirectory(folder);
        var added = SpecialTokens.Select((t, i) => (Id: i, Content: t, Special: true)).Concat(addedTokens ?? []).ToList();
        var vocabRows = rows ?? Math.Max(vocabulary.Count, added.Max(a => a.Id) + 1);

        var tensors = new List<(string Name, int[] Shape, float[] Values)>
        {
            ("model.embed_tokens.weight", [vocabRows, Hidden], Matrix(vocabRows, (r, c) => Embedding(model, r, c))),
            ("model.layers.0.input_layernorm.weight", [Hidden], [1f + model, 2f + model]),
            ("model.layers.0.self_attn.q_proj.weight", [Hidden, Hidden], Matrix(Hidden, (r, c) => model + r - c)),
            ("model.norm.weight", [Hidden], [3f + model, 4f + model]),
            ("lm_head.weight", [vocabRows, Hidden], Matrix(vocabRows, (r, c) => Head(model, r, c))),
        };
        var header = new StringBuilder("{");
        var data = new List<byte>();
        foreach (var (name, shape, values) in tensors)
        {
            var bytes = HandMadeSafetensors.Floats(values);
            header.Append(CultureInfo.InvariantCulture, $"\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{data.Count},{data.Count + bytes.Length}]}},");
            data.AddRange(bytes);
        }

        header.Length--;
        header.Append('}');
        HandMadeSafetensors.Write(Path.Combine(folder, "model.safetensors"), header.ToString(), [.. data]);

        var config = new JsonObject
        {
            ["architectures"] = new JsonArray("LlamaForCausalLM"),
            ["model_type"] = "llama",
            ["hidden_size"] = Hidden,
            ["num_hidden_layers"] = 1,
            ["vocab_size"] = vocabRows,
            ["tie_word_embeddings"] = false,
            ["torch_dtype"] = "float32",
        };
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());

        if (tokenizerJson)
        {
            File.WriteAllText(Path.Combine(folder, "tokenizer.json"), TokenizerJson(vocabulary, added).ToJsonString());
        }
        else
        {
            File.WriteAllBytes(Path.Combine(folder, "tokenizer.model"), [0x0A, 0x01, 0x20]);
        }

        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), TokenizerConfig(added).ToJsonString());
        File.WriteAllText(Path.Combine(folder, "special_tokens_map.json"), """{"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}""");
        return folder;
    }

    public static JsonObject TokenizerJson(IReadOnlyList<string> vocabulary, IReadOnlyList<(int Id, string Content, bool Special)> added)
    {
        var vocab = new JsonObject();
        for (var i = 0; i < vocabulary.Count; i++)
        {
            vocab[vocabulary[i]] = i;
        }

        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(added.Select(a => (JsonNode)new JsonObject
            {
                ["id"] = a.Id,
                ["content"] = a.Content,
                ["single_word"] = false,
                ["lstrip"] = false,
                ["rstrip"] = false,
                ["normalized"] = !a.Special,
                ["special"] = a.Special,
            }).ToArray()),
            ["normalizer"] = null,
            ["pre_tokenizer"] = null,
            ["post_processor"] = null,
            ["decoder"] = null,
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = "<unk>",
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["vocab"] = vocab,
                ["merges"] = new JsonArray("a b", "b c"),
            },
        };
    }

    public static JsonObject TokenizerConfig(IReadOnlyList<(int Id, string Content, bool Special)> added)
    {
        var decoder = new JsonObject();
        foreach (var (id, content, special) in added)
        {
            decoder[id.ToString(CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["content"] = content,
                ["lstrip"] = false,
                ["normalized"] = !special,
                ["rstrip"] = false,
                ["single_word"] = false,
                ["special"] = special,
            };
        }

        return new JsonObject
        {
            ["add_bos_token"] = true,
            ["added_tokens_decoder"] = decoder,
            ["bos_token"] = "<s>",
            ["eos_token"] = "</s>",
            ["model_max_length"] = 2048,
            ["tokenizer_class"] = "LlamaTokenizer",
        };
    }

    private static float[] Matrix(int rows, Func<int, int, float> value)
    {
        var values = new float[rows * Hidden];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < Hidden; c++)
            {
                values[(r * Hidden) + c] = value(r, c);
            }
        }

        return values;
    }
}
