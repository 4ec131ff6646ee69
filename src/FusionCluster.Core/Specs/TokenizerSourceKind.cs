namespace FusionCluster.Core.Specs;

public enum TokenizerSourceKind
{
    /// <summary>No tokenizer_source: copy the base model's (or first model's) tokenizer files.</summary>
    Default,
    Base,
    Model,
    /// <summary>The base model's (or first model's) tokenizer extended with every token another input model has.</summary>
    Union,
}
