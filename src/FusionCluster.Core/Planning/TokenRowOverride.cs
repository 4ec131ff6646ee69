using FusionCluster.Core.Specs;

namespace FusionCluster.Core.Planning;

/// <summary>A <c>tokenizer.tokens</c> entry resolved against the tokenizers: the row of <paramref name="Model"/> it names, if any.</summary>
/// <param name="Token">The output token, for messages.</param>
/// <param name="Kind">The kind of source.</param>
/// <param name="Model">The model whose row is taken (Model and ModelToken kinds).</param>
/// <param name="Row">That model's row (its token id).</param>
/// <param name="Force">Every model takes the source row, also those that have the token.</param>
internal sealed record TokenRowOverride(string Token, TokenEmbeddingSourceKind Kind, string? Model, long Row, bool Force);
