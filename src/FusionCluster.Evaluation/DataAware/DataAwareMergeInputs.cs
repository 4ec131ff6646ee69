using FusionCluster.Evaluation.MultiTask;

namespace FusionCluster.Evaluation.DataAware;

/// <summary>What a data-aware merge reads: the pre-trained backbone, the fine-tunes with their data, and the statistics step.</summary>
public sealed record DataAwareMergeInputs(NamedTensors Pretrained, IReadOnlyList<DataAwareModel> Models, MergeStatistics Statistics)
{
    /// <summary>Seeds batch choice (AdaMerging).</summary>
    public ulong Seed { get; init; } = 1;
}
