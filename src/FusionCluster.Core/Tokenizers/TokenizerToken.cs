namespace FusionCluster.Core.Tokenizers;

/// <summary>One token of a tokenizer: its id and text, and its added-token entry when it is one.</summary>
public sealed record TokenizerToken(int Id, string Content, AddedTokenEntry? Added);
