using System.Text.Json.Nodes;
using FusionCluster.Core.Tokenizers;

namespace FusionCluster.Core.Planning;

/// <summary>
/// The deterministic result of planning: same spec and same input headers give the same plan. The
/// output layout (shards, offsets) is fixed here, so units can write their bytes in place in any order.
/// </summary>
public sealed record MergePlan
{
    public required string Method { get; init; }

    /// <summary>Model reference -> resolved local folder.</summary>
    public required IReadOnlyDictionary<string, string> ModelPaths { get; init; }

    public required IReadOnlyList<WorkUnit> Units { get; init; }

    public required IReadOnlyList<OutputShard> Shards { get; init; }

    /// <summary>model.safetensors.index.json for a sharded output; null for a single file.</summary>
    public string? IndexJson { get; init; }

    /// <summary>The output config.json (layer count, dtype and vocab size updated), or null when the inputs have none.</summary>
    public JsonObject? OutputConfig { get; init; }

    /// <summary>The model whose tokenizer files are copied, or null for none.</summary>
    public string? TokenizerModel { get; init; }

    /// <summary>Tokens appended to the copied tokenizer (a union tokenizer's tokens the base lacks), with their output ids.</summary>
    public IReadOnlyList<AddedTokenEntry> TokenizerAddedTokens { get; init; } = [];

    /// <summary>The chat template text written into the output's tokenizer files, or null to keep the copied tokenizer's.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>The alignment phase that runs before the merge units (the spec's <c>align:</c>); null for none.</summary>
    public AlignPlan? Align { get; init; }

    /// <summary>
    /// Set on the plan of a shared-input job: the merges it runs together, each planned alone. Its units are
    /// shared units (<see cref="WorkUnit.Members"/>); it has no shards of its own. Null for a single merge.
    /// </summary>
    public IReadOnlyList<CandidatePlan>? Candidates { get; init; }

    /// <summary>The job's statistics phase, for a data-aware merge method (regmean, fisher); null otherwise.</summary>
    public StatisticsPlan? Statistics { get; init; }

    /// <summary>Warnings found while planning (e.g. vocabulary sizes cropped).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public long TotalOutputBytes => Units.Sum(u => u.OutputBytes);

    public long TotalInputBytes => Units.Sum(u => u.InputBytes);

    public int TensorCount => Units.Sum(u => u.Tensors.Count);
}
