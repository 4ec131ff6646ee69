namespace FusionCluster.Core.Specs;

/// <summary>One entry of the <c>tokenizer.tokens</c> section: where output token <paramref name="Token"/>'s embedding rows come from.</summary>
/// <param name="Token">The output token's text (the key).</param>
/// <param name="Kind">The kind of source.</param>
/// <param name="Model">The model for <see cref="TokenEmbeddingSourceKind.Model"/> and <see cref="TokenEmbeddingSourceKind.ModelToken"/>.</param>
/// <param name="SourceToken">For model_token: the token whose row is taken, by text; null when given by id.</param>
/// <param name="SourceTokenId">For model_token: the row taken, by id; null when given by text.</param>
/// <param name="Force">Use the source even for models that have the token themselves.</param>
public sealed record TokenEmbeddingSpec(string Token, TokenEmbeddingSourceKind Kind, string? Model, string? SourceToken, int? SourceTokenId, bool Force);
