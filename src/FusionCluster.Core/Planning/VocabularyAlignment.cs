using FusionCluster.Core.Specs;
using FusionCluster.Core.Tokenizers;

namespace FusionCluster.Core.Planning;

/// <summary>
/// The output vocabulary of a <c>tokenizer:</c> section and where each input model has each of its tokens.
/// Under union, that is the base tokenizer with every other model's missing tokens appended (model order,
/// then id); otherwise the vocabulary is the cropped embedding rows and only padding changes it.
/// </summary>
internal sealed class VocabularyAlignment
{
    private readonly IReadOnlyDictionary<string, int[]>? permutations;

    private VocabularyAlignment(
        int? padToMultipleOf,
        IReadOnlyList<string?>? tokens,
        IReadOnlyDictionary<string, int[]>? permutations,
        IReadOnlyList<AddedTokenEntry> addedTokens,
        IReadOnlyDictionary<long, TokenRowOverride> overrides)
    {
        PadToMultipleOf = padToMultipleOf;
        Tokens = tokens;
        this.permutations = permutations;
        AddedTokens = addedTokens;
        Overrides = overrides;
    }

    /// <summary>tokenizer.tokens entries by output id.</summary>
    public IReadOnlyDictionary<long, TokenRowOverride> Overrides { get; }

    public int? PadToMultipleOf { get; }

    /// <summary>The union vocabulary by output id (null for an id the base tokenizer leaves unused); null when not a union.</summary>
    public IReadOnlyList<string?>? Tokens { get; }

    public bool IsUnion => Tokens is not null;

    /// <summary>Tokens appended to the base tokenizer, with their output ids.</summary>
    public IReadOnlyList<AddedTokenEntry> AddedTokens { get; }

    public static VocabularyAlignment? For(MergeSpec spec, string baseModel, IReadOnlyDictionary<string, ModelInfo> models)
    {
        if (spec.TokenizerSource != TokenizerSourceKind.Union)
        {
            if (spec.PadToMultipleOf is null && spec.TokenEmbeddings.Count == 0)
            {
                return null;
            }

            // Without union the output vocabulary is the copied tokenizer's, and ids are rows as they stand.
            var tokenizerModel = spec.TokenizerSource == TokenizerSourceKind.Model ? spec.TokenizerModel! : baseModel;
            var overrides = spec.TokenEmbeddings.Count == 0
                ? new Dictionary<long, TokenRowOverride>()
                : ResolveOverrides(spec, models, text => VocabularyOf(models, tokenizerModel).TryGetId(text, out var id) ? id : -1, $"the output tokenizer ('{tokenizerModel}')");
            return new VocabularyAlignment(spec.PadToMultipleOf, null, null, [], overrides);
        }

        var order = spec.AllModels().ToList();
        order.Remove(baseModel);
        order.Insert(0, baseModel);
        var vocabularies = order.ToDictionary(m => m, m => VocabularyOf(models, m));

        var baseVocabulary = vocabularies[baseModel];
        var tokens = new List<string?>(new string?[baseVocabulary.Size]);
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in baseVocabulary.Tokens)
        {
            tokens[token.Id] = token.Content;
            known.Add(token.Content);
        }

        var added = new List<AddedTokenEntry>();
        foreach (var model in order.Skip(1))
        {
            foreach (var token in vocabularies[model].Tokens.Where(t => known.Add(t.Content)))
            {
                // As transformers' add_tokens: a plain vocabulary token becomes a normalized, non-special added token;
                // an added token keeps its flags.
                var id = tokens.Count;
                added.Add(token.Added is { } entry ? entry with { Id = id } : new AddedTokenEntry(id, token.Content, Special: false));
                tokens.Add(token.Content);
            }
        }

        var permutations = order.ToDictionary(
            m => m,
            m => tokens.Select(t => t is not null && vocabularies[m].TryGetId(t, out var id) ? id : -1).ToArray(),
            StringComparer.Ordinal);
        var outputIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] is { } text)
            {
                outputIds.TryAdd(text, i);
            }
        }

        var resolved = ResolveOverrides(spec, models, text => outputIds.TryGetValue(text, out var id) ? id : -1, $"the union tokenizer");
        return new VocabularyAlignment(spec.PadToMultipleOf, tokens, permutations, added, resolved);
    }

    private static TokenizerVocabulary VocabularyOf(IReadOnlyDictionary<string, ModelInfo> models, string model) =>
        models[model].Vocabulary ?? throw new SpecException($"model '{model}': its tokenizer vocabulary (tokenizer.json) was not loaded; the tokenizer section needs it");

    private static Dictionary<long, TokenRowOverride> ResolveOverrides(
        MergeSpec spec, IReadOnlyDictionary<string, ModelInfo> models, Func<string, long> outputId, string outputName)
    {
        // mergekit asserts that a source model is "part of the merge": it has tensors, not just a tokenizer.
        var merged = spec.Slices.SelectMany(s => s.Sources.Select(src => src.Model).Append(s.BaseModel)).Append(spec.BaseModel)
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<long, TokenRowOverride>();
        foreach (var entry in spec.TokenEmbeddings)
        {
            var path = $"tokenizer.tokens.'{entry.Token}'";
            var id = outputId(entry.Token);
            if (id < 0)
            {
                throw new SpecException($"{path}: '{entry.Token}' is not a token of {outputName}");
            }

            long row = -1;
            if (entry.Model is { } model)
            {
                if (!merged.Contains(model))
                {
                    throw new SpecException($"{path}.source: model '{model}' is not one of the merged models ({string.Join(", ", merged.Order(StringComparer.Ordinal).Select(m => $"'{m}'"))})");
                }

                var text = entry.Kind == TokenEmbeddingSourceKind.Model ? entry.Token : entry.SourceToken;
                if (text is not null)
                {
                    row = VocabularyOf(models, model).TryGetId(text, out var found) ? found
                        : throw new SpecException($"{path}.source: model '{model}' has no token '{text}'");
                }
                else
                {
                    row = entry.SourceTokenId!.Value;
                }
            }

            result[id] = new TokenRowOverride(entry.Token, entry.Kind, entry.Model, row, entry.Force);
        }

        return result;
    }

    /// <summary>Rows the output vocabulary has before padding: the union's size, else the rows every input has.</summary>
    public long RealRows(long croppedRows) => Tokens?.Count ?? croppedRows;

    public long PaddedRows(long realRows) =>
        PadToMultipleOf is { } pad && realRows % pad != 0 ? ((realRows / pad) + 1) * pad : realRows;

    /// <summary>The model's row for output token <paramref name="outputId"/>, or -1 when it lacks the token.</summary>
    public long RowOf(string model, long outputId) =>
        permutations is null ? outputId : permutations[model][outputId];

    public string? TokenText(long outputId) => Tokens is { } t ? t[(int)outputId] : null;
}
