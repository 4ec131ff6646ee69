namespace FusionCluster.Core.Specs;

/// <summary>A validated merge spec (mergekit's YAML schema), normalised to slices.</summary>
public sealed record MergeSpec
{
    public required string MergeMethod { get; init; }

    public string? BaseModel { get; init; }

    /// <summary>Output slices in order. A models: spec has exactly one slice whose sources have no layer range.</summary>
    public required IReadOnlyList<SliceSpec> Slices { get; init; }

    /// <summary>True when the spec used models: rather than slices:.</summary>
    public bool UsesModels { get; init; }

    /// <summary>Top-level parameters.</summary>
    public IReadOnlyDictionary<string, ParameterSetting> Parameters { get; init; } = new Dictionary<string, ParameterSetting>();

    /// <summary>Compute dtype, canonical name (bfloat16, float16, float32, float64, int64), or null for the checkpoint's.</summary>
    public string? DType { get; init; }

    /// <summary>Output dtype, canonical name, or null to use DType, else the checkpoint's.</summary>
    public string? OutDType { get; init; }

    public TokenizerSourceKind TokenizerSource { get; init; }

    /// <summary>The model named by tokenizer_source when it is a model.</summary>
    public string? TokenizerModel { get; init; }

    /// <summary>tokenizer.pad_to_multiple_of: the output vocabulary (embedding rows) is rounded up to a multiple of it; null for no padding.</summary>
    public int? PadToMultipleOf { get; init; }

    /// <summary>tokenizer.tokens: per-token embedding sources, in spec order.</summary>
    public IReadOnlyList<TokenEmbeddingSpec> TokenEmbeddings { get; init; } = [];

    public string? ChatTemplate { get; init; }

    /// <summary>The YAML text the spec was parsed from (kept for the merge report).</summary>
    public string SourceText { get; init; } = "";

    /// <summary>mergekit-multi stage name (<c>name:</c>); kept for reports, otherwise unused.</summary>
    public string? Name { get; init; }

    /// <summary>Folder of the spec file when parsed from a file; relative model paths resolve against it.</summary>
    public string? SpecDirectory { get; init; }

    /// <summary>The <c>align:</c> section: permute the models onto a reference before merging; null when absent.</summary>
    public AlignSpec? Align { get; init; }

    /// <summary>Per model, its <c>dataset:</c> as written (relative to the spec's folder): what data-aware methods (regmean, fisher) compute statistics on; empty otherwise.</summary>
    public IReadOnlyDictionary<string, string> Datasets { get; init; } = new Dictionary<string, string>();

    /// <summary>The base model that applies to a slice: the slice's own base_model, else the top-level one.</summary>
    public string? BaseModelFor(SliceSpec slice) => slice.BaseModel ?? BaseModel;

    /// <summary>Every model the spec mentions (base first if given, then in order of appearance), without duplicates.</summary>
    public IReadOnlyList<string> AllModels()
    {
        var seen = new List<string>();
        void Add(string? m)
        {
            if (m is not null && !seen.Contains(m))
            {
                seen.Add(m);
            }
        }

        Add(BaseModel);
        foreach (var slice in Slices)
        {
            Add(slice.BaseModel);
            foreach (var source in slice.Sources)
            {
                Add(source.Model);
            }
        }

        Add(TokenizerModel);
        return seen;
    }
}
