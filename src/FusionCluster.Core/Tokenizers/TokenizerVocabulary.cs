using System.Text.Json;

namespace FusionCluster.Core.Tokenizers;

/// <summary>
/// The tokens of a Hugging Face fast tokenizer (<c>tokenizer.json</c>): the model's vocabulary (a token -> id
/// map for BPE, WordPiece and WordLevel, a list of [piece, score] for Unigram) together with
/// <c>added_tokens</c>. Only what a union of tokenizers needs: which text has which id.
/// </summary>
public sealed class TokenizerVocabulary
{
    public const string FileName = "tokenizer.json";

    private readonly Dictionary<string, int> idOf;

    private TokenizerVocabulary(IReadOnlyList<TokenizerToken> tokens)
    {
        Tokens = tokens;
        idOf = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            idOf.TryAdd(token.Content, token.Id);
        }
    }

    /// <summary>Every token once, in id order.</summary>
    public IReadOnlyList<TokenizerToken> Tokens { get; }

    /// <summary>len(tokenizer) in transformers: one past the largest id.</summary>
    public int Size => Tokens.Count == 0 ? 0 : Tokens[^1].Id + 1;

    public bool TryGetId(string content, out int id) => idOf.TryGetValue(content, out id);

    public static TokenizerVocabulary FromTokens(IEnumerable<TokenizerToken> tokens) =>
        new(tokens.OrderBy(t => t.Id).ToList());

    /// <param name="json">The bytes of tokenizer.json.</param>
    /// <param name="where">The file, for messages.</param>
    /// <exception cref="TokenizerException">Not valid JSON, or not the shape a fast tokenizer has.</exception>
    public static TokenizerVocabulary Parse(ReadOnlyMemory<byte> json, string where)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new TokenizerException($"{where}: not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TokenizerException($"{where}: expected a JSON object at the top level");
            }

            var byId = new SortedDictionary<int, TokenizerToken>();
            if (root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.Object
                && model.TryGetProperty("vocab", out var vocab))
            {
                ReadVocab(vocab, byId, where);
            }
            else
            {
                throw new TokenizerException($"{where}: model.vocab is missing; expected a fast tokenizer's vocabulary (a token -> id map, or a list of [piece, score])");
            }

            if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind != JsonValueKind.Null)
            {
                ReadAddedTokens(added, byId, where);
            }

            return new TokenizerVocabulary(byId.Values.ToList());
        }
    }

    private static void ReadVocab(JsonElement vocab, SortedDictionary<int, TokenizerToken> byId, string where)
    {
        switch (vocab.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var entry in vocab.EnumerateObject())
                {
                    if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
                    {
                        throw new TokenizerException($"{where}: model.vocab[\"{entry.Name}\"]: expected a non-negative integer id, got {entry.Value.GetRawText()}");
                    }

                    if (byId.TryGetValue(id, out var other))
                    {
                        throw new TokenizerException($"{where}: model.vocab: id {id} is given to both \"{other.Content}\" and \"{entry.Name}\"");
                    }

                    byId[id] = new TokenizerToken(id, entry.Name, null);
                }

                break;
            case JsonValueKind.Array:
                // Unigram: the id is the position in the list.
                var index = 0;
                foreach (var piece in vocab.EnumerateArray())
                {
                    if (piece.ValueKind != JsonValueKind.Array || piece.GetArrayLength() < 1 || piece[0].ValueKind != JsonValueKind.String)
                    {
                        throw new TokenizerException($"{where}: model.vocab[{index}]: expected [piece, score], got {piece.GetRawText()}");
                    }

                    byId[index] = new TokenizerToken(index, piece[0].GetString()!, null);
                    index++;
                }

                break;
            default:
                throw new TokenizerException($"{where}: model.vocab: expected a token -> id map or a list of [piece, score], got {vocab.ValueKind.ToString().ToLowerInvariant()}");
        }
    }

    private static void ReadAddedTokens(JsonElement added, SortedDictionary<int, TokenizerToken> byId, string where)
    {
        if (added.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerException($"{where}: added_tokens: expected a list, got {added.ValueKind.ToString().ToLowerInvariant()}");
        }

        var index = 0;
        foreach (var item in added.EnumerateArray())
        {
            var path = $"added_tokens[{index++}]";
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("id", out var idNode) || !idNode.TryGetInt32(out var id) || id < 0
                || !item.TryGetProperty("content", out var contentNode) || contentNode.ValueKind != JsonValueKind.String)
            {
                throw new TokenizerException($"{where}: {path}: expected {{\"id\": <non-negative integer>, \"content\": <text>, ...}}, got {item.GetRawText()}");
            }

            var content = contentNode.GetString()!;
            var entry = new AddedTokenEntry(
                id,
                content,
                Flag(item, "special", false),
                Flag(item, "single_word", false),
                Flag(item, "lstrip", false),
                Flag(item, "rstrip", false),
                Flag(item, "normalized", true));

            // Added tokens usually repeat a vocabulary entry (<s>, </s>) with the same id; a different text under a
            // vocabulary id means the file is inconsistent, which would make a union ambiguous.
            if (byId.TryGetValue(id, out var existing) && existing.Content != content)
            {
                throw new TokenizerException($"{where}: {path}: id {id} is \"{content}\" here but \"{existing.Content}\" in model.vocab");
            }

            byId[id] = new TokenizerToken(id, content, entry);
        }
    }

    private static bool Flag(JsonElement item, string name, bool fallback) =>
        item.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : fallback;
}
