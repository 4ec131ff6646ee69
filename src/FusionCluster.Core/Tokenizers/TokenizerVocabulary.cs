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

    /// <summary>
    /// Ids must be below this (2^24 = 16,777,216): real tokenizers stay far under it (Llama 3 128,256 ids, Qwen2
    /// about 152k, Gemma 256k), and a union allocates per id, so a 40-byte file naming id 2,000,000,000 would
    /// otherwise cost gigabytes.
    /// </summary>
    public const int MaxTokenId = 1 << 24;

    /// <summary>
    /// How far the largest id may run past the number of entries: real vocabularies are dense (ids 0..n-1, added
    /// tokens right after), so an id beyond twice the entries plus this slack is a gap no tokenizer has.
    /// </summary>
    public const int IdGapSlack = 1 << 16;

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
    public int Size => Tokens.Count == 0 ? 0 : checked(Tokens[^1].Id + 1);

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

            CheckIdRange(byId, where);
            return new TokenizerVocabulary(byId.Values.ToList());
        }
    }

    /// <summary>
    /// The largest id bounds what a union allocates (one slot per id and model): it must be below
    /// <see cref="MaxTokenId"/> and not far beyond the number of tokens (see <see cref="IdGapSlack"/>).
    /// Added tokens count, as they sit in the same id space.
    /// </summary>
    /// <exception cref="TokenizerException">The largest id breaks either bound; the message names the file, the token and the id.</exception>
    public static void CheckIdRange(long largestId, string content, long count, string where)
    {
        var limit = Math.Min(MaxTokenId, (2 * count) + IdGapSlack);
        if (largestId >= limit)
        {
            throw new TokenizerException(
                $"{where}: token \"{content}\" has id {largestId}, but the file defines only {count} tokens; ids must be below {limit} " +
                $"(at most twice the number of tokens plus {IdGapSlack}, and below {MaxTokenId})");
        }
    }

    private static void CheckIdRange(SortedDictionary<int, TokenizerToken> byId, string where)
    {
        if (byId.Count > 0)
        {
            var largest = byId.Last().Value;
            CheckIdRange(largest.Id, largest.Content, byId.Count, where);
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
                || !item.TryGetProperty("id", out var idNode) || idNode.ValueKind != JsonValueKind.Number || !idNode.TryGetInt32(out var id) || id < 0
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
