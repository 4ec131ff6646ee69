using System.Text.Json.Nodes;
using FusionCluster.Core.Tokenizers;

namespace FusionCluster.Core.Planning;

/// <summary>One input checkpoint as seen by the planner: its config and tensor headers.</summary>
/// <param name="Reference">The model reference as written in the spec.</param>
/// <param name="Path">The local folder it resolved to.</param>
/// <param name="Config">config.json, or null when absent.</param>
/// <param name="Tensors">Tensor name -> header, in checkpoint order.</param>
public sealed record ModelInfo(string Reference, string Path, JsonObject? Config, IReadOnlyDictionary<string, TensorHeader> Tensors)
{
    private ModelLayout? layout;

    /// <summary>
    /// The chat template its tokenizer applies, trimmed; null when it has none. Read only for
    /// <c>chat_template: auto</c>, the one setting that looks at the inputs' templates.
    /// </summary>
    public string? ChatTemplate { get; init; }

    /// <summary>The tokens of its tokenizer.json; read only for a union tokenizer, the one setting that compares vocabularies.</summary>
    public TokenizerVocabulary? Vocabulary { get; init; }

    public ModelLayout Layout => layout ??= ModelLayout.Detect(Reference, Tensors.Keys, Config);
}
