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

    private VocabularyAlignment(int? padToMultipleOf, IReadOnlyList<string?>? tokens, IReadOnlyDictionary<string, int[]>? permutations, IReadOnlyList<AddedTokenEntry> addedTokens)
    {
        PadToMultipleOf = padToMultipleOf;
        Tokens = tokens;
        this.permutations = permutations;
        AddedTokens = addedTokens;
    }

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
            return spec.PadToMultipleOf is { } pad ? new VocabularyAlignment(pad, null, null, []) : null;
        }

        var order = spec.AllModels().ToList();
        order.Remove(baseModel);
        order.Insert(0, baseModel);
        var vocabularies = order.ToDictionary(m => m, m => models[m].Vocabulary
            ?? throw new SpecException($"tokenizer source union: model '{m}' has no tokenizer vocabulary loaded (tokenizer.json)"));

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
        return new VocabularyAlignment(spec.PadToMultipleOf, tokens, permutations, added);
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
