namespace FusionCluster.Core.Tokenizers;

/// <summary>One entry of a Hugging Face tokenizer's <c>added_tokens</c>, as tokenizer.json and tokenizer_config.json store it.</summary>
/// <param name="Id">The token id.</param>
/// <param name="Content">The token text.</param>
/// <param name="Special">Special tokens are skipped when decoding with skip_special_tokens.</param>
/// <param name="SingleWord">Matches only as a whole word.</param>
/// <param name="Lstrip">Swallows whitespace on its left.</param>
/// <param name="Rstrip">Swallows whitespace on its right.</param>
/// <param name="Normalized">Matched against the normalized text rather than the raw input.</param>
public sealed record AddedTokenEntry(int Id, string Content, bool Special, bool SingleWord = false, bool Lstrip = false, bool Rstrip = false, bool Normalized = true);
