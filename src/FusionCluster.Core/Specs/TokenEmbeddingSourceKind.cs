namespace FusionCluster.Core.Specs;

/// <summary>Where a <c>tokenizer.tokens</c> entry takes a token's embedding row from.</summary>
public enum TokenEmbeddingSourceKind
{
    /// <summary>No source given: the usual default rules (only <c>force</c> changes anything).</summary>
    Default,

    /// <summary><c>source: &lt;model&gt;</c>: that model's row for the same token.</summary>
    Model,

    /// <summary><c>{kind: model_token, model, token | token_id}</c>: a given row of a given model.</summary>
    ModelToken,

    /// <summary><c>{kind: zero}</c>: zeros.</summary>
    Zero,
}
